import type { SQSRecord } from 'aws-lambda';

/**
 * Splits a batch into one lane per order, each in the order received: lanes run side by
 * side, one order's records one after another. Different orders share nothing a handler
 * writes (every table is keyed by order, stock aside, whose updates are conditional), and
 * one order's records in turn keep its stream's appends from clashing with each other.
 * A record whose body names no order (poison) gets a lane of its own.
 */
export function orderLanes(records: readonly SQSRecord[]): SQSRecord[][] {
  const lanes = new Map<string, SQSRecord[]>();
  records.forEach((record, i) => {
    const key = orderIdOf(record.body) ?? `#${i}`;
    const lane = lanes.get(key);
    if (lane) lane.push(record);
    else lanes.set(key, [record]);
  });
  return [...lanes.values()];
}

function orderIdOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { orderId?: unknown }).orderId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
