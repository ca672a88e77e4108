import { summarize } from '../load/latency.ts';
import { latencyOf } from '../load/loop.ts';
import type { LevelRun } from '../run-level.ts';
import type { FaultResult } from '../results/schema.ts';
import { countOutcomes, latencies } from '../summaries.ts';
import { FAULT_DESCRIPTIONS } from './catalog.ts';

/**
 * What one fault did to one variant, against the same variant at the same
 * level without it: the orders it caught, the latency it added, how long the
 * variant took to finish everything it caught, and what it had to retry.
 */
export function faultResult(run: LevelRun, baselineP99Ms: number | null): FaultResult {
  const w = run.fault!;
  const lat = summarize(latencies(run.records));
  const t0 = run.records.reduce((m, r) => Math.min(m, r.intendedAt), Infinity);
  // Caught: in flight at some moment of the fault (throttle and duplicate act on the whole run).
  const caught = run.records.filter((r) => r.intendedAt <= w.endedAt && (r.terminalAt ?? Infinity) >= w.startedAt);
  const slow = caught.filter((r) => baselineP99Ms === null || (latencyOf(r) ?? Infinity) > baselineP99Ms);
  const lastEnd = slow.reduce((m, r) => Math.max(m, r.terminalAt ?? Date.now()), w.startedAt);
  const measured = new Set(run.records.map((r) => r.id));
  const retries = run.report.traces.filter((t) => measured.has(t.orderId) && (t.attempt ?? 1) > 1).length;
  return {
    fault: w.fault,
    description: FAULT_DESCRIPTIONS[w.fault],
    level: run.level,
    fired: w.fired,
    startedAtMs: Math.max(0, w.startedAt - t0),
    durationMs: Math.max(0, w.endedAt - w.startedAt),
    outcomes: countOutcomes(run.records),
    latencyMs: lat,
    baselineP99Ms,
    extraP99Ms: baselineP99Ms === null ? null : lat.p99 - baselineP99Ms,
    ordersAffected: slow.length,
    recoveryMs: slow.length ? Math.max(0, lastEnd - w.startedAt) : 0,
    retries,
    throttledCalls: w.throttledCalls,
    poisonInjected: w.poisonInjected,
    ...(w.fault === 'duplicate' ? { duplicatesSent: w.duplicatesSent } : {}),
    dlq: run.dlq,
    invariants: run.invariants,
  };
}
