import { createAwsClients } from '../shared/aws/clients.ts';
import { resolveTemporalTarget } from '../shared/temporal/connection.ts';
import type { TracePoint } from '../shared/messaging/trace.ts';
import type { SubstrateState } from '../infra/local/state.ts';
import { resetMoto } from '../infra/local/moto.ts';
import type { BenchConfig } from './config.ts';
import type { Progress } from './progress.ts';
import type { LevelRun } from './run-level.ts';
import { runLoad } from './load/loop.ts';
import type { LoadTarget } from './load/target.ts';
import { summarize } from './load/latency.ts';
import { latencies } from './summaries.ts';
import type { LevelResult } from './results/schema.ts';

/**
 * Hops on a completed order's critical path: its steps in start order, each one
 * counted when it began after the last counted one ended (so steps that ran side
 * by side count once). The median over completed orders is what the floor copies.
 */
export function criticalPathHops(traces: TracePoint[], completed: Set<string>): number {
  const byOrder = new Map<string, TracePoint[]>();
  for (const t of traces) if (completed.has(t.orderId)) byOrder.set(t.orderId, [...(byOrder.get(t.orderId) ?? []), t]);
  const hops = [...byOrder.values()].map((steps) => {
    let n = 0;
    let lastEnd = -Infinity;
    for (const s of [...steps].sort((a, b) => a.start - b.start || a.end - b.end)) {
      if (s.start >= lastEnd) {
        n++;
        lastEnd = s.end;
      }
    }
    return n;
  });
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
  progress: Progress;
}): Promise<Exclude<LevelResult['floor'], null> | null> {
  const { run, config, substrate } = opts;
  const completed = new Set(run.records.filter((r) => r.status === 'COMPLETED').map((r) => r.id));
  const hops = criticalPathHops(run.report.traces, completed);
  if (hops === 0) return null;
  await resetMoto(substrate.moto.processes);
  const clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  const prefix = `f${opts.runTag}-${run.variant.slice(0, 4)}-${opts.index}`;
  let target: LoadTarget | undefined;
  try {
    const { choreographyFloor, stepFunctionsFloor, temporalFloor } = await import('./floor/index.ts');
    target =
      run.variant === 'choreography'
        ? await choreographyFloor(clients, prefix, hops)
        : run.variant === 'stepfunctions'
          ? await stepFunctionsFloor(clients, prefix, hops)
          : await temporalFloor(clients, resolveTemporalTarget({ address: substrate.temporal.address, namespace: substrate.temporal.namespace }), prefix, hops);
    const units = Array.from({ length: config.floorOrders }, (_, i) => ({ id: `${prefix}-${String(i).padStart(5, '0')}`, payload: {} }));
    opts.progress.start(`${run.variant} floor (${hops} hops)`, units.length);
    const records = await runLoad(target, { units, shape: run.shape, deadlineMs: config.deadlineSeconds * 1000, signal: opts.signal, onProgress: (p) => opts.progress.update(p.done, p.errors) });
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
