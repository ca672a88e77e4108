import { describe, expect, it } from 'vitest';
import { criticalPathHops } from '../floor/run.ts';
import type { TracePoint } from '../../shared/messaging/trace.ts';

const at = (orderId: string, step: string, start: number): TracePoint => ({
  orderId,
  step,
  service: step.split(':')[0]!,
  start,
  end: start + 5,
});

describe('critical path hops (what the floor copies)', () => {
  it('counts one hop per event in a choreography, however many subscribers took it side by side', () => {
    const happy = [
      at('o1', 'inventory:OrderPlaced', 0),
      at('o1', 'payments:InventoryReserved', 10),
      at('o1', 'orders:InventoryReserved', 11),
      at('o1', 'shipping:PaymentCharged', 20),
      at('o1', 'orders:PaymentCharged', 21),
      at('o1', 'inventory:ShipmentCreated', 30),
      at('o1', 'notifications:ShipmentCreated', 30),
      at('o1', 'orders:ShipmentCreated', 31),
      at('o1', 'orders:CustomerNotified', 40),
    ];
    expect(criticalPathHops('choreography', happy, new Set(['o1']))).toBe(5);
  });

  it('counts every task run of an orchestration, a repeated task each time, and takes the median over orders', () => {
    const seq = (id: string, n: number) =>
      Array.from({ length: n }, (_, i) => at(id, i === 0 || i === n - 1 ? 'orders:recordStatus' : `x:task${i}`, i * 10));
    const traces = [...seq('a', 7), ...seq('b', 8), ...seq('c', 9), ...seq('cancelled', 3)];
    expect(criticalPathHops('temporal', traces, new Set(['a', 'b', 'c']))).toBe(8);
    expect(criticalPathHops('stepfunctions', traces, new Set())).toBe(0);
  });
});
