import { describe, expect, it } from 'vitest';
import type { SQSRecord } from 'aws-lambda';
import { orderLanes } from '../order-lanes.ts';

const record = (id: string, body: string) => ({ messageId: id, body }) as SQSRecord;
const ids = (lanes: SQSRecord[][]) => lanes.map((l) => l.map((r) => r.messageId));

describe('order lanes', () => {
  it("keeps one order's records in one lane, in the order received, and other orders apart", () => {
    const lanes = orderLanes([
      record('1', '{"orderId":"a","type":"InventoryReserved"}'),
      record('2', '{"orderId":"b","type":"InventoryReserved"}'),
      record('3', '{"orderId":"a","type":"PaymentCharged"}'),
    ]);
    expect(ids(lanes)).toEqual([['1', '3'], ['2']]);
  });

  it('gives a record that names no order a lane of its own', () => {
    expect(ids(orderLanes([record('1', '{not json'), record('2', '{"orderId":7}'), record('3', '{not json')]))).toEqual([
      ['1'],
      ['2'],
      ['3'],
    ]);
  });
});
