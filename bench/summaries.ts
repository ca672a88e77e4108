import type { TracePoint } from '../shared/messaging/trace.ts';
import { summarize } from './load/latency.ts';
import { latencyOf, type UnitRecord } from './load/loop.ts';
import type { LevelResult } from './results/schema.ts';

/** Outcome counts as the results contract names them. */
export function countOutcomes(records: UnitRecord[]): LevelResult['outcomes'] {
  const n = (s: string) => records.filter((r) => r.status === s).length;
  return {
    accepted: records.filter((r) => r.acceptedAt !== undefined).length,
    completed: n('COMPLETED'),
    cancelled: n('CANCELLED'),
    rejected: n('REJECTED'),
    lost: n('LOST'),
    abandoned: n('ABANDONED'),
    errors: records.filter((r) => !['COMPLETED', 'CANCELLED', 'REJECTED', 'LOST', 'ABANDONED'].includes(r.status)).length,
  };
}

export function addOutcomes(a: LevelResult['outcomes'], b: LevelResult['outcomes']): LevelResult['outcomes'] {
  return {
    accepted: a.accepted + b.accepted,
    completed: a.completed + b.completed,
    cancelled: a.cancelled + b.cancelled,
    rejected: a.rejected + b.rejected,
    lost: a.lost + b.lost,
    errors: a.errors + b.errors,
    abandoned: (a.abandoned ?? 0) + (b.abandoned ?? 0),
  };
}

export const latencies = (records: UnitRecord[]): number[] => records.map(latencyOf).filter((x): x is number => x !== undefined);

/** Orders per second over the measured window: first intended start to last terminal state. */
export function throughput(records: UnitRecord[]): number {
  const done = records.filter((r) => r.terminalAt !== undefined);
  if (!done.length) return 0;
  // A loop, not Math.min(...spread): a spread of 100k+ arguments overflows the stack.
  let start = Infinity;
  let end = -Infinity;
  for (const r of records) start = Math.min(start, r.intendedAt);
  for (const r of done) end = Math.max(end, r.terminalAt!);
  return end > start ? Math.round((done.length / ((end - start) / 1000)) * 100) / 100 : 0;
}

/** How long each step took (handler time), over the given orders. */
export function stepTimings(traces: TracePoint[], orderIds: Set<string>): LevelResult['stepsMs'] {
  const by = new Map<string, number[]>();
  // Pushed in place: copying the step's list per trace point made this quadratic (3.5 s at 20k points).
  for (const t of traces) {
    if (!orderIds.has(t.orderId)) continue;
    const list = by.get(t.step);
    if (list) list.push(t.end - t.start);
    else by.set(t.step, [t.end - t.start]);
  }
  return Object.fromEntries(
    [...by]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([step, d]) => {
        const s = summarize(d.map((x) => Math.max(1, x)));
        return [step, { count: d.length, p50: s.p50, p99: s.p99 }];
      }),
  );
}

/** A few whole orders, one of each outcome first, with every step relative to the order's start. */
export function sampleTraces(records: UnitRecord[], traces: TracePoint[], perStatus = 2) {
  const byOrder = new Map<string, TracePoint[]>();
  for (const t of traces) {
    const list = byOrder.get(t.orderId);
    if (list) list.push(t);
    else byOrder.set(t.orderId, [t]);
  }
  const picked: UnitRecord[] = [];
  for (const status of ['COMPLETED', 'CANCELLED', 'REJECTED', 'LOST'])
    picked.push(...records.filter((r) => r.status === status && byOrder.has(r.id)).slice(0, perStatus));
  return picked.map((r) => ({
    orderId: r.id,
    status: r.status,
    startAt: r.intendedAt,
    ...(latencyOf(r) !== undefined ? { latencyMs: latencyOf(r)! } : {}),
    steps: (byOrder.get(r.id) ?? [])
      .sort((a, b) => a.start - b.start)
      .map((t) => ({
        step: t.step,
        service: t.service,
        startMs: t.start - r.intendedAt,
        endMs: t.end - r.intendedAt,
        ...(t.attempt ? { attempt: t.attempt } : {}),
      })),
  }));
}

/**
 * p99 latency per minute of the run, by each order's intended start: a soak's
 * drift shows as a later minute's p99 above the first's. Empty for runs under two minutes.
 */
export function p99PerMinute(records: UnitRecord[]): number[] {
  let start = Infinity;
  for (const r of records) start = Math.min(start, r.intendedAt);
  const minutes: number[][] = [];
  for (const r of records) {
    const l = latencyOf(r);
    if (l === undefined) continue;
    const m = Math.floor((r.intendedAt - start) / 60_000);
    (minutes[m] ??= []).push(l);
  }
  if (minutes.length < 2) return [];
  return Array.from(minutes, (m) => (m?.length ? summarize(m).p99 : 0));
}
