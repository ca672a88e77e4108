import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import type { AwsClients } from '../../../shared/aws/clients.ts';
import { PendingCompletions } from '../../../shared/variant/pending.ts';
import { callsSince, type FloorTarget } from '../../../shared/variant/floor.ts';
import { acquireDurableEnvironment } from '../local.ts';

/**
 * The durable runner alone: an execution of `hops` no-op steps under the same local
 * runner as the variant. Like the variant's, its time is the in-process simulation's,
 * not Lambda's: the floor shows what the simulation itself costs per step.
 */
export async function lambdaDurableFloor(clients: AwsClients, hops: number): Promise<FloorTarget> {
  if (!Number.isInteger(hops) || hops < 1) throw new Error(`hops must be a positive integer, not ${hops}`);
  const own = callsSince(clients.meter);
  const release = await acquireDurableEnvironment();
  const handler = withDurableExecution(async (_input: unknown, context) => {
    for (let hop = 1; hop <= hops; hop++) await context.step(`hop-${hop}`, async () => hop);
    return hops;
  });
  const pending = new PendingCompletions();
  const running: Promise<void>[] = [];
  return {
    pids: [],
    async submit(id) {
      running.push(
        new LocalDurableTestRunner({ handlerFunction: handler }).run({ payload: { id } }).then(
          (execution) => pending.resolve({ id, status: execution.getStatus() === 'SUCCEEDED' ? 'DONE' : 'FAILED', terminalAt: Date.now() }),
          (err: Error) => pending.resolve({ id, status: `EXECUTION_${err.name}`, terminalAt: Date.now() }),
        ),
      );
    },
    awaitTerminal: (id) => pending.wait(id),
    async stop() {
      await Promise.all(running);
      await release();
      return { metered: own(), traces: [] };
    },
  };
}
