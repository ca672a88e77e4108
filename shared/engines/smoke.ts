import { createAwsClients } from '../aws/clients.ts';
import { Meter, type OperationCount } from '../aws/metering.ts';
import { resolveTemporalTarget } from '../temporal/connection.ts';
import type { SubstrateState } from './state.ts';
import { probeFanout } from './probes/fanout.ts';
import { probeSqs } from './probes/sqs.ts';
import { probeDynamo } from './probes/dynamodb.ts';
import { probeStepFunctions } from './probes/stepfunctions.ts';
import { probeTemporal } from './probes/temporal.ts';
import { probeCeilings, type Ceiling } from './probes/throughput.ts';

export interface SmokeCheck {
  primitive: string;
  ok: boolean;
  detail: string;
}

export interface SmokeReport {
  ok: boolean;
  checks: SmokeCheck[];
  ceilings: Ceiling[];
  meter: OperationCount[];
  text: string;
}

async function check(primitive: string, fn: () => Promise<[boolean, string]>): Promise<SmokeCheck> {
  try {
    const [ok, detail] = await fn();
    return { primitive, ok, detail };
  } catch (err) {
    return { primitive, ok: false, detail: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/**
 * Drives each primitive the variants rely on through the real SDKs, then
 * measures the emulator's throughput ceilings. Until the benchmark exists this
 * is the project's main job; afterwards it stays as the substrate self-check.
 */
export async function runSmoke(
  state: SubstrateState,
  opts: { concurrency: number; ops: number; log?: (l: string) => void },
): Promise<SmokeReport> {
  const log = opts.log ?? (() => {});
  const meter = new Meter();
  const clients = createAwsClients({ kind: 'local', endpoints: state.moto.endpoints }, meter);
  const checks: SmokeCheck[] = [];
  try {
    log('probe: SNS -> SQS fan-out with filter policies');
    checks.push(
      await check('SNS -> 2 SQS queues, filter policy on attributes, raw delivery', async () => {
        const r = await probeFanout(clients);
        const ok = r.received.inventory.length === 1 && r.received.payments.length === 1 && r.rawDelivery;
        return [ok, `inventory got ${r.received.inventory.join(',')}; payments got ${r.received.payments.join(',')}`];
      }),
    );
    log('probe: SQS visibility, redrive, batch');
    checks.push(
      await check('SQS visibility timeout, ChangeMessageVisibility, DLQ redrive, batch delete', async () => {
        const r = await probeSqs(clients);
        const ok =
          r.hiddenWhileInvisible &&
          r.redeliveredAfterTimeout &&
          r.movedToDlqAfterMaxReceives &&
          r.visibleAgainAfterChangeVisibility &&
          r.batchSent === 10 &&
          r.batchDeleted === 11 &&
          r.leftAfterBatchDelete === 0;
        return [ok, JSON.stringify(r)];
      }),
    );
    log('probe: DynamoDB conditional write');
    checks.push(
      await check('DynamoDB conditional put rejects a duplicate', async () => {
        const r = await probeDynamo(clients);
        return [r.duplicateRejected && r.storedValue === 'first', JSON.stringify(r)];
      }),
    );
    log('probe: Step Functions callback task with an out-of-process worker');
    checks.push(
      await check('Step Functions STANDARD, sqs:sendMessage.waitForTaskToken, Retry + Catch', async () => {
        const r = await probeStepFunctions(clients);
        const ok =
          r.happy.status === 'SUCCEEDED' &&
          r.transient.status === 'SUCCEEDED' &&
          r.permanent.status === 'FAILED' &&
          r.permanent.statesEntered.includes('Compensate');
        return [
          ok,
          `happy ${r.happy.status}, transient ${r.transient.status} (${JSON.stringify(r.transient.output)}), permanent ${r.permanent.status} via ${r.permanent.statesEntered.join('>')}`,
        ];
      }),
    );
    log('probe: Temporal workflow with two activities');
    checks.push(
      await check('Temporal workflow, 2 activities on a Worker, retry after failure', async () => {
        const r = await probeTemporal(resolveTemporalTarget({ address: state.temporal.address, namespace: state.temporal.namespace }));
        return [r.result.chargeAttempt === 2 && r.activityTasksStarted === 2, JSON.stringify(r.result)];
      }),
    );
    log(`probe: throughput ceilings (${opts.ops} ops, ${opts.concurrency} clients)`);
    const ceilings = await probeCeilings(clients, opts.concurrency, opts.ops, meter);
    const ok = checks.every((c) => c.ok) && ceilings.every((c) => c.errors === 0);
    const text = [
      `Substrate smoke on '${state.instance}' (moto ${state.moto.version} ${state.moto.processes.length} process(es), Temporal CLI ${state.temporal.version})`,
      ...checks.map((c) => `  [${c.ok ? 'ok  ' : 'FAIL'}] ${c.primitive}\n         ${c.detail}`),
      `Emulator throughput ceilings (LOCAL EMULATOR numbers, ${opts.concurrency} concurrent clients):`,
      ...ceilings.map(
        (c) =>
          `  ${c.operation.padEnd(44)} ${String(c.opsPerSecond).padStart(8)} ops/s  (${c.ops} ops, ${c.errors} errors${c.firstError ? `: ${c.firstError}` : ''})`,
      ),
      `Metered API calls: ${meter.totalCalls()} (${meter
        .snapshot()
        .map((m) => `${m.service}.${m.operation}=${m.calls}`)
        .join(', ')})`,
      ok ? 'SMOKE OK' : 'SMOKE FAILED',
    ].join('\n');
    return { ok, checks, ceilings, meter: meter.snapshot(), text };
  } finally {
    clients.destroy();
  }
}
