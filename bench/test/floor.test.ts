import fs from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import type { OperationCount } from '../../shared/aws/metering.ts';
import { connectClient, resolveTemporalTarget } from '../../shared/temporal/connection.ts';
import { runLoad, latencyOf } from '../load/loop.ts';
import { summarize } from '../load/latency.ts';
import type { FloorTarget } from '../../shared/variant/floor.ts';
import { choreographyFloor } from '../../choreography/harness/floor.ts';
import { temporalFloor } from '../../orchestration/temporal/harness/floor.ts';
import { VARIANTS, variantOf, type VariantName } from '../../infra/variants.ts';

const CHAINS = 20;
const FLOORS = VARIANTS;
type Floor = VariantName;

const calls = (metered: OperationCount[], service: string, operation: string) =>
  metered.find((c) => c.service === service && c.operation === operation)?.calls ?? 0;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Processes whose parent is this one: what a floor may leave behind. */
const children = () =>
  fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // Field 4 of /proc/<pid>/stat, after the parenthesised command name.
        return Number(fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === process.pid;
      } catch {
        return false;
      }
    });

// Each floor, hops 3 and 6: 20 no-op chains, 5 at a time, through the real
// engines and the real load loop; the engine-side counts must show every hop.
describe('substrate floors', () => {
  const substrate = inject('substrate');
  const temporal = resolveTemporalTarget({ address: substrate.temporal.address, namespace: substrate.temporal.namespace });
  const p50 = new Map<string, number>();
  afterAll(() => {
    if (p50.size) console.log(`floor p50 ms (${CHAINS} chains, 5 at a time): ${[...p50].map(([k, v]) => `${k}=${v}`).join(' ')}`);
  });

  const start = (floor: Floor, clients: AwsClients, prefix: string, hops: number): Promise<FloorTarget> =>
    variantOf(floor).floor({ clients, temporal, prefix }, hops);

  const cases = FLOORS.flatMap((f) => [3, 6].map((hops) => [f, hops] as const));
  it.each(cases)(
    '%s floor, %i hops: every chain ends, every hop is counted, no process is left',
    { timeout: 180_000 },
    async (floor, hops) => {
      const clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
      const prefix = `fl${Date.now().toString(36)}-${floor.slice(0, 4)}-${hops}`;
      const target = await start(floor, clients, prefix, hops);
      try {
        const units = Array.from({ length: CHAINS }, (_, i) => ({ id: `${prefix}-${i}`, payload: {} }));
        const records = await runLoad(target, { units, shape: { kind: 'closed', concurrency: 5 }, deadlineMs: 60_000 });
        const report = await target.stop();

        expect(records.filter((r) => r.status !== 'DONE')).toEqual([]);
        for (const r of records) {
          expect(r.terminalAt!).toBeGreaterThanOrEqual(r.submittedAt);
          expect(r.terminalAt! - r.submittedAt).toBeLessThan(30_000);
        }
        p50.set(`${floor}@${hops}`, summarize(records.map(latencyOf).filter((v) => v !== undefined)).p50);

        const m = report.metered;
        if (floor === 'choreography') {
          // One publish per chain from submit, then one per relay: the last relay's lands in the done queue.
          expect(calls(m, 'sns', 'Publish')).toBe(CHAINS * (hops + 1));
          expect(calls(m, 'sns', 'Subscribe')).toBe(hops + 1);
          // The harness's reads of the done queue are not the floor's calls.
          expect(calls(m, 'sqs', 'ReceiveMessage')).toBeGreaterThanOrEqual(1);
        } else if (floor === 'eventbridge') {
          // The same chain put on the bus: one PutEvents per hop, one rule per hop queue.
          expect(calls(m, 'events', 'PutEvents')).toBe(CHAINS * (hops + 1));
          expect(calls(m, 'events', 'PutRule')).toBe(hops + 1);
          expect(calls(m, 'sns', 'Publish')).toBe(0);
        } else if (floor === 'lambda-durable') {
          // The host's steps make no AWS call at all.
          expect(m).toEqual([]);
        } else if (floor === 'stepfunctions') {
          expect(calls(m, 'sfn', 'StartExecution')).toBe(CHAINS);
          expect(calls(m, 'sfn', 'SendTaskSuccess')).toBe(CHAINS * hops);
          expect(calls(m, 'sfn', 'ListExecutions')).toBe(0);
        } else {
          // No AWS at all; the hops are in the workflow histories.
          expect(m).toEqual([]);
          const { client, connection } = await connectClient(temporal);
          try {
            for (const id of [units[0]!.id, units.at(-1)!.id]) {
              const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
              expect(events.filter((e) => e.activityTaskCompletedEventAttributes).length).toBe(hops);
            }
          } finally {
            await connection.close();
          }
        }
        for (const pid of target.pids) expect(alive(pid)).toBe(false);
        expect(children()).toEqual([]);
      } finally {
        await target.stop();
        clients.destroy();
      }
    },
  );

  it('a floor that cannot start leaves no process behind', async () => {
    const clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    try {
      await expect(
        temporalFloor(clients, { address: '127.0.0.1:1', namespace: 'default' }, `flbad${Date.now().toString(36)}`, 3),
      ).rejects.toThrow();
      expect(children()).toEqual([]);
    } finally {
      clients.destroy();
    }
  });

  it('stop is safe to call again', async () => {
    const clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    const target = await choreographyFloor(clients, `flst${Date.now().toString(36)}`, 1);
    const [a, b] = await Promise.all([target.stop(), target.stop()]);
    expect(b).toBe(a);
    expect(await target.stop()).toBe(a);
    expect(alive(target.pids[0]!)).toBe(false);
    clients.destroy();
  });
});
