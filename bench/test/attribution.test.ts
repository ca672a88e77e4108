import { describe, expect, it } from 'vitest';
import { breakdownOf, p50Without, SEGMENTS, segmentSummaries } from '../attribution.ts';
import type { TracePoint } from '../../shared/messaging/trace.ts';

const rec = (terminalAt: number) => ({ id: 'o', intendedAt: 0, submittedAt: 0, acceptedAt: 10, terminalAt, status: 'COMPLETED' });
const step = (step: string, start: number, end: number, extra: Partial<TracePoint> = {}): TracePoint => ({
  orderId: 'o',
  step,
  service: step,
  start,
  end,
  ...extra,
});
const total = (b: Record<string, number>) => SEGMENTS.reduce((a, s) => a + b[s]!, 0);

describe('critical-path attribution', () => {
  it('splits an orchestrated chain into submit, hops, compute, DynamoDB, answer and close, adding up to the latency', () => {
    const b = breakdownOf(rec(200), [
      step('a', 30, 50, { io: { dynamodb: 12 }, answerMs: 5 }),
      step('b', 80, 100, { io: { dynamodb: 4, sfn: 1 }, answerMs: 6 }),
    ])!;
    expect(b).toMatchObject({ submit: 10, 'first-hop': 20, dynamodb: 16, handler: 24, answer: 11, 'hand-off': 25, close: 94, publish: 0 });
    expect(total(b)).toBe(200);
  });

  it('follows the event a choreography step published, not the orders service recording it beside the next step', () => {
    // inventory publishes at ~58 and ends at 62; payments starts at 60; orders records the event from 59 to 90.
    const b = breakdownOf(rec(150), [
      step('orders-placed', 10, 20, { io: { dynamodb: 5, sns: 0 } }),
      step('inventory', 40, 62, { io: { dynamodb: 8, sns: 6 } }),
      step('orders-observe', 59, 90, { io: { dynamodb: 20 } }),
      step('payments', 60, 140, { io: { dynamodb: 10, sns: 5 } }),
      step('orders-decide', 130, 160, { io: { dynamodb: 20 } }),
    ])!;
    // The path: orders-placed (whole), inventory (cut at 60 by payments' start), payments (cut at 130), orders-decide (cut at 150).
    expect(b['first-hop']).toBe(0);
    expect(b['hand-off']).toBe(20);
    expect(b.close).toBe(0);
    expect(b.publish).toBeGreaterThan(0);
    expect(total(b)).toBeCloseTo(150, 6);
  });

  it('counts the step whose start is the terminal time (a decision in its first millisecond) as the last on the path', () => {
    const b = breakdownOf(rec(100), [step('notify', 40, 90, { io: { sns: 10 } }), step('orders-decide', 100, 105)])!;
    expect(b['hand-off']).toBe(10);
    expect(b.close).toBe(0);
    expect(total(b)).toBe(100);
  });

  it('puts the wait before a retried attempt apart from the hand-offs, and an order with no trace in its close', () => {
    const b = breakdownOf(rec(2000), [step('a', 20, 30), step('b', 1030, 1040, { attempt: 2 })])!;
    expect(b['retry-wait']).toBe(1000);
    expect(b['hand-off']).toBe(0);
    expect(total(b)).toBe(2000);
    expect(breakdownOf(rec(100), [])).toMatchObject({ submit: 10, close: 90 });
    expect(breakdownOf({ ...rec(100), terminalAt: undefined }, [])).toBeUndefined();
  });

  it('summarises each segment over orders, with means that stack to the mean latency', () => {
    const records = [1, 2, 3].map((i) => ({ ...rec(100 * i), id: `o${i}` }));
    const traces = records.map((r, i) => ({ ...step('a', 20, 40 + i * 10, { io: { dynamodb: 5 } }), orderId: r.id }));
    const s = segmentSummaries(records, traces)!;
    expect(s.dynamodb).toMatchObject({ count: 3, p50: 5, p99: 5, mean: 5 });
    expect(SEGMENTS.reduce((a, k) => a + s[k].mean, 0)).toBeCloseTo(200, 0);
    expect(segmentSummaries([], [])).toBeNull();
  });

  it("moves the accept's own AWS calls, where the edge reports them, out of the submit into dynamodb and publish", () => {
    const b = breakdownOf({ ...rec(100), submitIo: { dynamodb: 6, sns: 2.5 } }, [step('a', 20, 30)])!;
    expect(b).toMatchObject({ submit: 1.5, dynamodb: 6, publish: 2.5 });
    expect(total(b)).toBe(100);
    // Reported time beyond the submit's own is capped at it: the segments still add up to the latency.
    const capped = breakdownOf({ ...rec(100), submitIo: { dynamodb: 8, events: 9 } }, [])!;
    expect(capped).toMatchObject({ submit: 0, dynamodb: 8, publish: 2 });
    expect(total(capped)).toBe(100);
  });

  it('gives the p50 of each order less the segments named, over the orders that ended', () => {
    const records = [1, 2, 3].map((i) => ({ ...rec(100 * i), id: `o${i}` }));
    // o1..o3 take 100, 200, 300 ms with 5, 50 and 250 ms of DynamoDB calls: less them 95, 150 and 50.
    const traces = records.map((r, i) => ({
      ...step('a', 20, 290, { io: { dynamodb: [5, 50, 250][i]! } }),
      orderId: r.id,
      end: 20 + [60, 100, 260][i]!,
    }));
    expect(p50Without(records, traces, ['dynamodb'])).toBe(95);
    expect(p50Without(records, traces, [])).toBe(200);
    expect(p50Without([{ ...rec(100), terminalAt: undefined }], [], ['dynamodb'])).toBeNull();
  });
});
