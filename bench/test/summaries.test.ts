import { describe, expect, it } from 'vitest';
import { p99PerMinute, stepTimings, throughput } from '../summaries.ts';
import type { UnitRecord } from '../load/loop.ts';

const rec = (i: number, intendedAt: number, latency: number): UnitRecord => ({
  id: `o${i}`,
  intendedAt,
  submittedAt: intendedAt,
  acceptedAt: intendedAt,
  terminalAt: intendedAt + latency,
  status: 'COMPLETED',
});

describe('summaries of long runs', () => {
  it('take 300,000 records (a Math.min spread over them overflows the stack)', () => {
    const records = Array.from({ length: 300_000 }, (_, i) => rec(i, i * 10, 50));
    expect(throughput(records)).toBeGreaterThan(0);
    const traces = records.map((r) => ({ orderId: r.id, step: 'charge', service: 'payments', start: r.intendedAt, end: r.intendedAt + 7 }));
    expect(stepTimings(traces, new Set(records.map((r) => r.id))).charge).toMatchObject({ count: 300_000, p50: 7 });
  });

  it('give the p99 of each minute of a soak, by intended start, so drift shows', () => {
    const minute = 60_000;
    const records = [
      ...Array.from({ length: 100 }, (_, i) => rec(i, i * 100, 100)),
      ...Array.from({ length: 100 }, (_, i) => rec(100 + i, minute + i * 100, 400)),
    ];
    expect(p99PerMinute(records)).toEqual([100, 400]);
    // Under two minutes there is no drift to show.
    expect(p99PerMinute(records.slice(0, 100))).toEqual([]);
  });
});
