import { createAwsClients } from '../../shared/aws/clients.ts';
import { resolveTemporalTarget } from '../../shared/temporal/connection.ts';
import type { TracePoint } from '../../shared/messaging/trace.ts';
import { variantOf, type VariantName } from '../../infra/variants.ts';
import type { SubstrateState } from '../../shared/engines/state.ts';
import type { BenchConfig } from '../config.ts';
import type { Progress } from '../progress.ts';
import type { LevelRun } from '../run-level.ts';
import { runLoad } from '../load/loop.ts';
import type { LoadTarget } from '../../shared/variant/load-target.ts';
import { summarize } from '../load/latency.ts';
import { latencies } from '../summaries.ts';
import type { LevelResult } from '../results/schema.ts';
import { PhaseClock } from '../phases.ts';

/**
 * Hops on a completed order's critical path, from its trace, as the variant
 * counts them. The median over completed orders is what the floor copies.
 */
export function criticalPathHops(variant: VariantName, traces: TracePoint[], completed: Set<string>): number {
  const byOrder = new Map<string, TracePoint[]>();
  for (const t of traces) if (completed.has(t.orderId)) byOrder.set(t.orderId, [...(byOrder.get(t.orderId) ?? []), t]);
  const hops = [...byOrder.values()].map((steps) => variantOf(variant).criticalPathHops(steps));
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
  phases?: PhaseClock;
}): Promise<Exclude<LevelResult['floor'], null> | null> {
  const { run, config, substrate } = opts;
  const completed = new Set(run.records.filter((r) => r.status === 'COMPLETED').map((r) => r.id));
  const hops = criticalPathHops(run.variant, run.report.traces, completed);
  if (hops === 0) return null;
  await opts.reset();
  const phases = opts.phases ?? new PhaseClock();
  const clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  const prefix = `f${opts.runTag}-${run.variant.slice(0, 4)}-${opts.index}`;
  let target: LoadTarget | undefined;
  try {
    const temporal = resolveTemporalTarget({ address: substrate.temporal.address, namespace: substrate.temporal.namespace });
    const starting = phases.begin('floor starts and stops');
    target = await variantOf(run.variant).floor({ clients, temporal, prefix }, hops);
    starting();
    const units = Array.from({ length: config.floorOrders }, (_, i) => ({ id: `${prefix}-${String(i).padStart(5, '0')}`, payload: {} }));
    opts.progress.start(`${run.variant} floor (${hops} hops)`, units.length);
    const measuring = phases.begin('floor orders');
    const records = await runLoad(target, {
      units,
      shape: run.shape,
      deadlineMs: config.deadlineSeconds * 1000,
      signal: opts.signal,
      abandon: opts.abandon,
      onProgress: (p) => opts.progress.update(p.done, p.errors),
    });
    measuring();
    opts.progress.stop();
    const t = target;
    target = undefined;
    await phases.time('floor starts and stops', () => t.stop());
    const lat = summarize(latencies(records));
    return { hops, units: lat.count, p50Ms: lat.p50, latencyMs: lat, ratio: null };
  } finally {
    opts.progress.stop();
    if (target) await target.stop().catch(() => undefined);
    clients.destroy();
  }
}
