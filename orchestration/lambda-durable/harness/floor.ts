import type { AwsClients } from '../../../shared/aws/clients.ts';
import { PendingCompletions } from '../../../shared/variant/pending.ts';
import { callsSince, type FloorTarget } from '../../../shared/variant/floor.ts';
import { startDurableHost } from '../host.ts';

/**
 * The durable runner alone: an execution of `hops` no-op steps under the same local
 * runner, in the same kind of host process, as the variant. Like the variant's, its time
 * is the simulation's, not Lambda's: the floor shows what the simulation itself costs per step.
 */
export async function lambdaDurableFloor(clients: AwsClients, hops: number): Promise<FloorTarget> {
  if (!Number.isInteger(hops) || hops < 1) throw new Error(`hops must be a positive integer, not ${hops}`);
  const own = callsSince(clients.meter);
  const host = await startDurableHost({ mode: 'floor', hops });
  const pending = new PendingCompletions();
  const running: Promise<void>[] = [];
  return {
    pids: host.group.pids(),
    async submit(id) {
      running.push(
        host.run(id, { id }).then(
          ({ status, terminalAt, detail }) => pending.resolve({ id, status, terminalAt, ...(detail ? { detail } : {}) }),
          (err: Error) => pending.resolve({ id, status: `EXECUTION_${err.name}`, terminalAt: Date.now(), detail: err.message }),
        ),
      );
    },
    awaitTerminal: (id) => pending.wait(id),
    async stop() {
      await Promise.all(running);
      await host.stop();
      return { metered: own(), traces: [] };
    },
  };
}
