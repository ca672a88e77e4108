import { createAwsClients } from '../shared/aws/clients.ts';
import { resolveTemporalTarget } from '../shared/temporal/connection.ts';
import type { TracePoint } from '../shared/messaging/trace.ts';
import type { VariantName } from './drivers/driver.ts';
import type { SubstrateState } from '../shared/engines/state.ts';
import type { BenchConfig } from './config.ts';
import type { Progress } from './progress.ts';
import type { LevelRun } from './run-level.ts';
import { runLoad } from './load/loop.ts';
import type { LoadTarget } from './load/target.ts';
import { summarize } from './load/latency.ts';
import { latencies } from './summaries.ts';
import type { LevelResult } from './results/schema.ts';
import { choreographyFloor, stepFunctionsFloor, temporalFloor } from './floor/index.ts';

/**
 * Hops on a completed order's critical path, from its trace. Orchestrated, the
 * tasks run one after another, so each task run is a hop. Choreographed, one
 * event reaches its subscribers side by side (ShipmentCreated starts the commit
 * and the notification at once), so each distinct event handled is a hop. The
 * median over completed orders is what the floor copies.
 */
export function criticalPathHops(variant: VariantName, traces: TracePoint[], completed: Set<string>): number {
  const byOrder = new Map<string, TracePoint[]>();
  for (const t of traces) if (completed.has(t.orderId)) byOrder.set(t.orderId, [...(byOrder.get(t.orderId) ?? []), t]);
  const hops = [...byOrder.values()].map((steps) =>
    variant === 'choreography' ? new Set(steps.map((s) => s.step.split(':')[1])).size : new Set(steps.map((s) => `${s.step}@${s.start}`)).size,
  );
  if (!hops.length) return 0;
  hops.sort((a, b) => a - b);
  return hops[Math.floor(hops.length / 2)]!;
}

/**
 * The same load shape through the same substrate with no domain logic: as many
 * hops as the variant's critical path, on a freshly reset emulator.
 */
export async function measureFloor(opts: {
  run: LevelRun;
  config: BenchConfig;
  substrate: SubstrateState;
  runTag: string;
  index: number;
  signal: AbortSignal;
  abandon: AbortSignal;
  progress: Progress;
  /** Resets the emulator between runs (or does nothing when local deployments live on it). */
  reset: () => Promise<void>;
}): Promise<Exclude<LevelResult['floor'], null> | null> {
  const { run, config, substrate } = opts;
  const completed = new Set(run.records.filter((r) => r.status === 'COMPLETED').map((r) => r.id));
  const hops = criticalPathHops(run.variant, run.report.traces, completed);
  if (hops === 0) return null;
  await opts.reset();
  const clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  const prefix = `f${opts.runTag}-${run.variant.slice(0, 4)}-${opts.index}`;
  let target: LoadTarget | undefined;
  try {
    target =
      run.variant === 'choreography'
        ? await choreographyFloor(clients, prefix, hops)
        : run.variant === 'stepfunctions'
          ? await stepFunctionsFloor(clients, prefix, hops)
          : await temporalFloor(clients, resolveTemporalTarget({ address: substrate.temporal.address, namespace: substrate.temporal.namespace }), prefix, hops);
    const units = Array.from({ length: config.floorOrders }, (_, i) => ({ id: `${prefix}-${String(i).padStart(5, '0')}`, payload: {} }));
    opts.progress.start(`${run.variant} floor (${hops} hops)`, units.length);
    const records = await runLoad(target, { units, shape: run.shape, deadlineMs: config.deadlineSeconds * 1000, signal: opts.signal, abandon: opts.abandon, onProgress: (p) => opts.progress.update(p.done, p.errors) });
    opts.progress.stop();
    const t = target;
    target = undefined;
    await t.stop();
    const lat = summarize(latencies(records));
    return { hops, units: lat.count, p50Ms: lat.p50, latencyMs: lat, ratio: null };
  } finally {
    opts.progress.stop();
    if (target) await target.stop().catch(() => undefined);
    clients.destroy();
  }
}
