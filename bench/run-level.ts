import fs from 'node:fs';
import path from 'node:path';
import { runDir } from '../shared/paths.ts';
import { createAwsClients, type AwsClients, type AwsTarget } from '../shared/aws/clients.ts';
import { Meter } from '../shared/aws/metering.ts';
import { orderTotal } from '../shared/domain/order.ts';
import type { OrderDocument } from '../shared/domain/contracts.ts';
import type { Deployment } from '../infra/deploy/record.ts';
import type { SubstrateState } from '../shared/engines/state.ts';
import { resolveTemporalTarget } from '../shared/temporal/connection.ts';
import { tableReader } from '../shared/variant/snapshot.ts';
import { variantOf, type VariantName } from '../infra/variants.ts';
import { checkInvariants, endsNotRead, noDeadLetters } from './invariants.ts';
import { recordedOrderIds } from './recorded-ids.ts';
import { scanTables } from './table-scan.ts';
import { runLoad, type LoadShape, type UnitRecord } from './load/loop.ts';
import type { LoadTarget } from '../shared/variant/load-target.ts';
import { generateWorkload, initialStock, type PlannedOrder } from './workload.ts';
import type { BenchConfig } from './config.ts';
import type { Progress } from './progress.ts';
import { awaitDlqMessages, listDlqs } from './dlq.ts';
import type { Fault } from './faults/catalog.ts';
import { armFault, type FaultWindow } from './faults/inject.ts';
import { faultChecks, withClientFaults } from './faults/checks.ts';
import type { VariantReport, VariantTarget } from '../shared/variant/target.ts';
import { PhaseClock } from './phases.ts';

export interface LevelRun {
  variant: VariantName;
  level: number;
  shape: LoadShape;
  plan: PlannedOrder[];
  warmupRecords: UnitRecord[];
  records: UnitRecord[];
  wallMs: number;
  harnessCpuMs: number;
  report: VariantReport;
  invariants: { name: string; ok: boolean; detail: string }[];
  dlq: Awaited<ReturnType<typeof listDlqs>>;
  fault?: FaultWindow;
}

export const shapeOf = (config: BenchConfig, level: number): LoadShape =>
  config.loop === 'closed' ? { kind: 'closed', concurrency: level } : { kind: 'open', ratePerSec: level };

export function startVariant(
  variant: VariantName,
  substrate: SubstrateState | undefined,
  variantClients: AwsClients,
  harness: AwsClients,
  prefix: string,
  deployment?: Deployment,
): Promise<VariantTarget> {
  if (deployment?.placement.target === 'aws') {
    const v = variantOf(variant);
    if (!v.awsTarget) throw new Error(`${variant}: no AWS deployed target (bench --target aws checks this first)`);
    return v.awsTarget({
      clients: variantClients,
      harness,
      prefix: deployment.prefix,
      tables: deployment.tables,
      resources: deployment.resources as never,
      region: deployment.placement.region,
    });
  }
  if (deployment) {
    const v = variantOf(variant);
    if (!v.deployedTarget || deployment.placement.target !== 'local')
      throw new Error(`${variant}: no local deployment target (bench --deployed checks this first)`);
    return v.deployedTarget({
      clients: variantClients,
      harness,
      prefix: deployment.prefix,
      tables: deployment.tables,
      resources: deployment.resources as never,
      traceDir: deployment.placement.traceDir,
    });
  }
  if (!substrate) throw new Error(`${variant}: a run on fresh resources needs the local substrate`);
  const temporal = resolveTemporalTarget({ address: substrate.temporal.address, namespace: substrate.temporal.namespace });
  return variantOf(variant).target({ clients: variantClients, harness, temporal, prefix });
}

/** The variant as the loop sees it: a duplicate-flagged order is submitted twice, as a client retry would. */
function asLoadTarget(
  target: VariantTarget,
  duplicates: (id: string) => boolean,
  sent: { duplicates: number } = { duplicates: 0 },
): LoadTarget<OrderDocument> {
  return {
    async submit(id, order) {
      const accepted = await target.submit(id, order);
      if (duplicates(id)) {
        await target.submitDuplicate(order);
        sent.duplicates++;
      }
      return accepted;
    },
    awaitTerminal: (id) => target.awaitTerminal(id),
    stop: () => target.stop(),
  };
}

/**
 * One variant at one load level on fresh resources: warmup, the measured
 * orders, then the variant stopped and everything it left checked. The variant
 * makes its calls through its own metered clients; the harness's reads (status,
 * invariants, DLQs) go through another, so they never land on the variant's bill.
 */
export async function runLevel(opts: {
  variant: VariantName;
  level: number;
  index: number;
  config: BenchConfig;
  /** The local engines; absent on AWS (`bench --target aws`), where `deployment` names everything driven. */
  substrate?: SubstrateState;
  runTag: string;
  signal: AbortSignal;
  abandon: AbortSignal;
  progress: Progress;
  /** One fault injected into this run (the fault matrix); none for a normal level. */
  fault?: Fault;
  /** `bench --deployed`: drive this recorded local deployment instead of fresh resources; `--target aws`: its AWS record. */
  deployment?: Deployment;
  /** `--target aws`: what the provider counted over the run's window, merged into the variant's report. */
  providerCounts?: (r: { report: VariantReport; window: { fromMs: number; toMs: number }; placed: string[] }) => Promise<VariantReport>;
  /** Where the level's wall time goes (the suite's phase clock). */
  phases?: PhaseClock;
}): Promise<LevelRun> {
  const { variant, level, config, substrate } = opts;
  const phases = opts.phases ?? new PhaseClock();
  const shape = shapeOf(config, level);
  // On AWS the standard credential chain decides, in the record's region; locally, the substrate's endpoints.
  const where: AwsTarget =
    opts.deployment?.placement.target === 'aws'
      ? { kind: 'aws', region: opts.deployment.placement.region }
      : { kind: 'local', endpoints: substrate!.moto.endpoints };
  const harness = createAwsClients(where);
  const variantClients = createAwsClients(where, new Meter());
  const prefix = `b${opts.runTag}-${variant.slice(0, 4)}-${opts.index}`;
  const plan = generateWorkload({
    seed: config.seed,
    orders: config.warmup + config.orders,
    mix: config.failures,
    runId: `${opts.runTag}-${variant.slice(0, 4)}-${opts.index}`,
    payloadBytes: config.payloadBytes,
  });
  const units = plan.map((p) => ({ id: p.input.orderId, payload: { ...p.input, totalCents: orderTotal(p.input.lines) } as OrderDocument }));
  const duplicates = new Set(plan.filter((p) => p.duplicate).map((p) => p.input.orderId));
  const stock = initialStock(plan);
  let target: VariantTarget | undefined;
  try {
    const starting = phases.begin('variant starts');
    target = await withClientFaults(opts.fault, config.seed, () =>
      startVariant(variant, substrate, variantClients, harness, prefix, opts.deployment),
    );
    const read = tableReader(harness, target.tables);
    // A deployment's tables keep earlier runs' orders: only what appears during this run is this run's to judge.
    const earlier = opts.deployment ? new Set(await recordedOrderIds(harness, target.tables)) : undefined;
    await read.repos.inventory.seedStock(stock);
    starting();
    // Where the engine owns delivery (Temporal's server), the duplicate fault is every start sent twice.
    const everyOrderTwice = opts.fault === 'duplicate' && variantOf(variant).duplicateFault === 'start-twice';
    // Counted only for the fault: the workload's own duplicate submissions are a client retry, not a delivery fault.
    const startedTwice = { duplicates: 0 };
    const loadTarget = asLoadTarget(target, (id) => everyOrderTwice || duplicates.has(id), everyOrderTwice ? startedTwice : undefined);
    const deadlineMs = config.deadlineSeconds * 1000;
    const label = `${variant} @${level}${shape.kind === 'open' ? '/s' : ''}`;
    let warmupRecords: UnitRecord[] = [];
    const firstPlacedAt = Date.now();
    if (config.warmup > 0) {
      const warming = phases.begin('warmups');
      opts.progress.start(`${label} warmup`, config.warmup);
      warmupRecords = await runLoad(loadTarget, {
        units: units.slice(0, config.warmup),
        shape,
        deadlineMs,
        signal: opts.signal,
        abandon: opts.abandon,
        onProgress: (p) => opts.progress.update(p.done, p.errors),
      });
      opts.progress.stop();
      warming();
    }
    opts.progress.start(opts.fault ? `${label} fault ${opts.fault}` : label, config.orders);
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const armed = opts.fault ? armFault(opts.fault, target, harness, units[0]!.payload, t0) : undefined;
    const records = await runLoad(loadTarget, {
      units: units.slice(config.warmup),
      shape,
      deadlineMs,
      signal: opts.signal,
      abandon: opts.abandon,
      onProgress: (p) => {
        opts.progress.update(p.done, p.errors);
        armed?.onProgress(p.done, p.total);
      },
    });
    const wallMs = Date.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    phases.add('measured orders', wallMs);
    opts.progress.stop();
    const stopping = phases.begin('variant stops');
    const fault = armed ? await armed.settled(Date.now()) : undefined;
    // Poison reaches a DLQ only after its last allowed receive: give the consumers time to get there.
    if (fault?.poisonInjected) await awaitDlqMessages(harness, target.dlqs, fault.poisonInjected, 30_000);
    // After a second Ctrl-C or a dead engine nobody waits long: a variant that cannot stop in time is stopped hard.
    const running = target;
    const tables = target.tables;
    const stopped = opts.abandon.aborted
      ? await bounded(running.stop(), STOP_BOUND_MS, async () => {
          await running.group.stop();
          return new Error(`the ${variant} variant did not stop within ${STOP_BOUND_MS / 1000} s`);
        })
      : await running.stop();
    target = undefined;
    stopping();
    const checking = phases.begin('checks');
    const report = opts.providerCounts
      ? await opts.providerCounts({
          report: stopped,
          window: { fromMs: firstPlacedAt, toMs: Date.now() },
          placed: [...warmupRecords, ...records].filter((r) => r.acceptedAt !== undefined).map((r) => r.id),
        })
      : stopped;
    // Counted where sent (the variant's processes write theirs on exit), so it is known only once the variant stopped.
    armed?.countInjected({
      duplicatesSent: (report.duplicatesSent ?? 0) + startedTwice.duplicates,
      throttledCalls: report.metered.reduce((s, m) => s + m.throttles, 0),
    });
    // The guarantees cover what the system accepted; an order never submitted (a stopped run) is not its to keep,
    // and one abandoned by a second Ctrl-C is in no known state: it is tallied, not judged.
    const all = [...warmupRecords, ...records];
    const abandoned = new Set(all.filter((r) => r.status === 'ABANDONED').map((r) => r.id));
    const accepted = new Set(all.filter((r) => r.acceptedAt !== undefined && !abandoned.has(r.id)).map((r) => r.id));
    // Read side by side: the tables and the dead-letter queues are separate emulator processes (the split layout).
    const [scanned, dlq] = await Promise.all([scanTables(harness, tables), listDlqs(harness, report.dlqs)]);
    const checked = await checkInvariants(
      plan.filter((p) => accepted.has(p.input.orderId)),
      stock,
      scanned,
      {
        abandoned: plan.filter((p) => abandoned.has(p.input.orderId)),
        recordedIds: scanned.recordedIds.filter((id) => !earlier?.has(id)),
        placed: all.map((r) => r.id),
        ledger: scanned.ledger,
      },
    );
    const invariants = [...checked.checks, endsNotRead([...warmupRecords, ...records])];
    if (fault) invariants.push(...(await faultChecks(fault, dlq, read.statusOf)));
    else invariants.push(noDeadLetters(dlq));
    checking();
    return {
      variant,
      level,
      shape,
      plan,
      warmupRecords,
      records,
      wallMs,
      harnessCpuMs: (cpu.user + cpu.system) / 1000,
      report,
      invariants,
      dlq,
      ...(fault ? { fault } : {}),
    };
  } finally {
    opts.progress.stop();
    const left = target;
    if (left) await bounded(left.stop(), STOP_BOUND_MS, async () => void (await left.group.stop())).catch(() => undefined);
    harness.destroy();
    variantClients.destroy();
    // Read into the report by stop(); on disk they would only pile up.
    fs.rmSync(path.join(runDir(), 'traces', prefix), { recursive: true, force: true });
  }
}

const STOP_BOUND_MS = 20_000;

/** `p`, or after `ms` what `onTimeout` returns (an Error is thrown). */
async function bounded<T>(p: Promise<T>, ms: number, onTimeout: () => Promise<Error | void>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    const r = await Promise.race([p, late]);
    if (r !== 'late') return r;
    p.catch(() => undefined);
    const err = await onTimeout();
    throw err ?? new Error(`not done within ${ms / 1000} s`);
  } finally {
    clearTimeout(timer);
  }
}
