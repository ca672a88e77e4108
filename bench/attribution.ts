import type { TracePoint } from '../shared/messaging/trace.ts';
import type { UnitRecord } from './load/loop.ts';
import { SEGMENTS, type Segment } from '../shared/variant/segments.ts';

export { SEGMENTS, SEGMENT_MEANING, type Segment } from '../shared/variant/segments.ts';

export type Breakdown = Record<Segment, number>;

const zero = (): Breakdown => Object.fromEntries(SEGMENTS.map((s) => [s, 0])) as Breakdown;

/**
 * One order's latency split along its critical path, walked backwards from the
 * terminal time: the step that caused the order's end, then the step that caused
 * that one, and so on to the first. Steps off that path (the choreography's orders
 * service recording an event while the next service already works on it) are not
 * counted. A step cut by the terminal time (the choreography's decision is taken
 * inside its last step) counts in proportion.
 */
export function breakdownOf(record: UnitRecord, steps: readonly TracePoint[]): Breakdown | undefined {
  if (record.terminalAt === undefined || record.acceptedAt === undefined) return undefined;
  const b = zero();
  const start = record.intendedAt;
  const accepted = Math.max(start, Math.min(record.acceptedAt, record.terminalAt));
  b.submit = accepted - start;
  // The accept's own AWS calls, where the edge reports them (the choreography's append and its
  // publish on commit), count as a step's do: the submit keeps the call's remainder.
  const inSubmit = record.submitIo ?? {};
  const submitDynamo = Math.min(b.submit, inSubmit.dynamodb ?? 0);
  const submitPublish = Math.min(b.submit - submitDynamo, (inSubmit.sns ?? 0) + (inSubmit.events ?? 0) + (inSubmit.sqs ?? 0));
  b.submit -= submitDynamo + submitPublish;
  b.dynamodb += submitDynamo;
  b.publish += submitPublish;
  const sorted = [...steps].filter((s) => s.start >= accepted).sort((a, c) => a.start - c.start);
  let cursor = record.terminalAt;
  let after: TracePoint | undefined;
  for (;;) {
    // The cause is the step that finished last before the cursor, unless a step still
    // running at the cursor started after that one did: that is the later work, as a
    // choreography service's step is still running when the event it published is taken.
    let ended: TracePoint | undefined;
    let running: TracePoint | undefined;
    for (const s of sorted) {
      // The terminal decision can fall in the very millisecond its step started (the orders
      // service decides from the head it holds): that step is the last one on the path.
      if (s.start > cursor || (after !== undefined && s.start === cursor) || s === after) continue;
      if (s.end <= cursor) {
        if (!ended || s.end > ended.end) ended = s;
      } else if (!running || s.start < running.start) running = s;
    }
    const pick = running && (!ended || running.start > ended.start) ? running : ended;
    if (!pick) break;
    const end = Math.min(pick.end, cursor);
    const gap = cursor - end;
    const answer = Math.min(gap, pick.answerMs ?? 0);
    b.answer += answer;
    b[after === undefined ? 'close' : (after.attempt ?? 1) > 1 ? 'retry-wait' : 'hand-off'] += gap - answer;
    const span = end - pick.start;
    const whole = Math.max(1e-9, pick.end - pick.start);
    const share = span / whole;
    const dynamo = Math.min(span, (pick.io?.dynamodb ?? 0) * share);
    const publish = Math.min(span - dynamo, ((pick.io?.sns ?? 0) + (pick.io?.events ?? 0) + (pick.io?.sqs ?? 0)) * share);
    b.dynamodb += dynamo;
    b.publish += publish;
    b.handler += span - dynamo - publish;
    after = pick;
    cursor = pick.start;
  }
  const first = cursor - accepted;
  if (after === undefined) b.close += first;
  else b[(after.attempt ?? 1) > 1 ? 'retry-wait' : 'first-hop'] += first;
  return b;
}

export interface SegmentSummary {
  count: number;
  p50: number;
  p99: number;
  mean: number;
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Each ended order's breakdown. */
function breakdowns(records: readonly UnitRecord[], traces: readonly TracePoint[]): Breakdown[] {
  const byOrder = new Map<string, TracePoint[]>();
  for (const t of traces) {
    const list = byOrder.get(t.orderId);
    if (list) list.push(t);
    else byOrder.set(t.orderId, [t]);
  }
  return records.map((r) => breakdownOf(r, byOrder.get(r.id) ?? [])).filter((b): b is Breakdown => b !== undefined);
}

/**
 * The p50 over the ended orders of each one's latency less `without`: what is left of
 * an order once segments a comparison does not share are taken out (the floor's bare
 * chains make no DynamoDB writes). Null when no order ended.
 */
export function p50Without(records: readonly UnitRecord[], traces: readonly TracePoint[], without: readonly Segment[]): number | null {
  const rows = breakdowns(records, traces);
  if (!rows.length) return null;
  const keep = SEGMENTS.filter((s) => !without.includes(s));
  return round1(
    quantile(
      rows.map((b) => keep.reduce((a, s) => a + b[s], 0)).sort((a, c) => a - c),
      0.5,
    ),
  );
}

/** Per segment over the orders that ended: p50, p99 and mean (the means add up to the mean latency). */
export function segmentSummaries(records: readonly UnitRecord[], traces: readonly TracePoint[]): Record<Segment, SegmentSummary> | null {
  const rows = breakdowns(records, traces);
  if (!rows.length) return null;
  return Object.fromEntries(
    SEGMENTS.map((s) => {
      const v = rows.map((r) => r[s]).sort((a, c) => a - c);
      return [
        s,
        {
          count: v.length,
          p50: round1(quantile(v, 0.5)),
          p99: round1(quantile(v, 0.99)),
          mean: round1(v.reduce((a, c) => a + c, 0) / v.length),
        },
      ];
    }),
  ) as Record<Segment, SegmentSummary>;
}
