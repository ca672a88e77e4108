import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AwsClients } from '../../../shared/aws/clients.ts';
import { connectClient, type TemporalTarget } from '../../../shared/temporal/connection.ts';
import { PendingCompletions } from '../../../shared/variant/pending.ts';
import { callsSince, startFloorChild, type FloorTarget } from '../../../shared/variant/floor.ts';

/**
 * The Temporal substrate alone: a workflow of `hops` no-op activities, its
 * worker in a child process. terminalAt is the workflow's closeTime on the
 * server (describe() once result() resolved), as for the variant
 * (bench/targets/temporal.ts); waiting is one server-side long poll per
 * workflow, the SDK's own, on one shared connection.
 */
export async function temporalFloor(clients: AwsClients, target: TemporalTarget, prefix: string, hops: number): Promise<FloorTarget> {
  if (!Number.isInteger(hops) || hops < 1) throw new Error(`hops must be a positive integer, not ${hops}`);
  const own = callsSince(clients.meter);
  const taskQueue = `${prefix}-floor`;
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'floor-worker-main.ts');
  const child = await startFloorChild(script, [JSON.stringify({ target, taskQueue })]);
  const { client, connection } = await connectClient(target).catch(async (err: unknown) => {
    await child.stop();
    throw err;
  });
  const pending = new PendingCompletions();
  const watch = (id: string, result: Promise<unknown>) =>
    result
      .then(async () => {
        const closeTime = (await client.workflow.getHandle(id).describe()).closeTime;
        pending.resolve({ id, status: 'DONE', terminalAt: (closeTime ?? new Date()).getTime() });
      })
      .catch((err: Error) => pending.resolve({ id, status: `WORKFLOW_${err.name}`, terminalAt: Date.now() }));

  let stopping: ReturnType<FloorTarget['stop']> | undefined;
  return {
    pids: [child.pid],
    async submit(id) {
      const handle = await client.workflow.start('floorChain', { taskQueue, workflowId: id, args: [hops] });
      void watch(id, handle.result());
    },
    awaitTerminal: (id) => pending.wait(id),
    stop: () =>
      (stopping ??= (async () => {
        try {
          return { metered: [...(await child.stop()), ...own()], traces: [] };
        } finally {
          await child.stop();
          await connection.close();
        }
      })()),
  };
}
