import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AwsClients } from '../../../shared/aws/clients.ts';
import { connectClient, type TemporalTarget } from '../../../shared/temporal/connection.ts';
import { awaitClosed } from './closed.ts';
import { PendingCompletions } from '../../../shared/variant/pending.ts';
import { callsSince, startFloorChild, type FloorTarget } from '../../../shared/variant/floor.ts';

/**
 * The Temporal substrate alone: a workflow of `hops` no-op activities, its
 * worker in a child process. terminalAt is the workflow's closeTime on the
 * server, read as for the variant (harness/target.ts): one server-side long
 * poll per workflow for its close event, on one shared connection.
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
  const watch = (id: string) =>
    awaitClosed(client, id)
      .then((c) => pending.resolve({ id, status: c.outcome === 'COMPLETED' ? 'DONE' : c.outcome, terminalAt: c.closeTime }))
      .catch((err: Error) => pending.resolve({ id, status: `WORKFLOW_${err.name}`, terminalAt: Date.now() }));

  let stopping: ReturnType<FloorTarget['stop']> | undefined;
  return {
    pids: [child.pid],
    async submit(id) {
      await client.workflow.start('floorChain', { taskQueue, workflowId: id, args: [hops] });
      void watch(id);
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
