import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { resolveTemporalTarget } from '../../shared/temporal/connection.ts';
import { ContractError, type OrderDocument } from '../../shared/domain/contracts.ts';
import { orderTotal } from '../../shared/domain/order.ts';
import { address, paymentToken } from '../../shared/domain/simulation.ts';
import { tableReader, type OrderSnapshot } from '../../shared/variant/snapshot.ts';
import type { VariantDriver } from '../../shared/variant/driver.ts';
import { VARIANTS, variantOf, type VariantName } from '../../infra/variants.ts';

const COMPLETED: OrderSnapshot = { order: 'COMPLETED', reservation: 'COMMITTED', payment: 'CHARGED', shipment: 'CREATED', notified: true };

/**
 * One scenario table, every registered variant, the same expected state in every table.
 * `stockDelta` is how much WIDGET stock the scenario leaves taken.
 */
const SCENARIOS: {
  name: string;
  order: Partial<OrderDocument>;
  run?: (d: VariantDriver, o: OrderDocument) => Promise<void>;
  expected: OrderSnapshot;
  stockDelta: number;
}[] = [
  { name: 'happy path', order: {}, expected: COMPLETED, stockDelta: 2 },
  {
    name: 'out of stock',
    order: { lines: [{ sku: 'RARE', qty: 5, unitPriceCents: 100 }] },
    expected: { order: 'REJECTED', reservation: 'REJECTED', payment: undefined, shipment: undefined, notified: false },
    stockDelta: 0,
  },
  {
    name: 'payment declined',
    order: { paymentToken: paymentToken('declined') },
    expected: { order: 'CANCELLED', reservation: 'RELEASED', payment: 'DECLINED', shipment: undefined, notified: false },
    stockDelta: 0,
  },
  {
    name: 'shipping failed',
    order: { shippingAddress: address('invalid') },
    expected: { order: 'CANCELLED', reservation: 'RELEASED', payment: 'REFUNDED', shipment: 'FAILED', notified: false },
    stockDelta: 0,
  },
  {
    name: 'transient errors retried',
    order: { paymentToken: paymentToken('ok', 1), shippingAddress: address('ok', 1) },
    expected: COMPLETED,
    stockDelta: 2,
  },
  {
    name: 'transient errors beyond the retry budget',
    order: { paymentToken: paymentToken('ok', 5) },
    expected: { order: 'CANCELLED', reservation: 'RELEASED', payment: 'DECLINED', shipment: undefined, notified: false },
    stockDelta: 0,
  },
  {
    name: 'duplicate PlaceOrder',
    order: {},
    run: async (d, o) => {
      expect(['refused', 'same']).toContain(await d.placeAgain(o));
    },
    expected: COMPLETED,
    stockDelta: 2,
  },
  {
    name: 'customer cancel before shipping',
    // The flaky card holds the order at the payment step for one backoff interval.
    order: { paymentToken: paymentToken('ok', 1) },
    run: (d, o) => d.cancel(o.orderId),
    expected: { order: 'CANCELLED', reservation: 'RELEASED', payment: 'REFUNDED', shipment: 'BLOCKED', notified: false },
    stockDelta: 0,
  },
];

describe.each(VARIANTS)('equivalence: %s', (variant: VariantName) => {
  const substrate = inject('substrate');
  let clients: AwsClients;
  let driver: VariantDriver;
  let read: ReturnType<typeof tableReader>;
  let n = 0;
  const prefix = `eq-${variant}-${Date.now()}`;

  beforeAll(async () => {
    clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    const target = resolveTemporalTarget({ address: substrate.temporal.address, namespace: substrate.temporal.namespace });
    driver = await variantOf(variant).driver({ clients, harness: clients, temporal: target, prefix });
    read = tableReader(clients, driver.tables);
    await read.repos.inventory.seedStock({ WIDGET: 1000, RARE: 1 });
  });
  afterAll(async () => {
    await driver.stop();
    clients.destroy();
  });

  const order = (o: Partial<OrderDocument>): OrderDocument => {
    const lines = o.lines ?? [{ sku: 'WIDGET', qty: 2, unitPriceCents: 1500 }];
    return {
      orderId: `${prefix}-${n++}`,
      customerId: 'cust-1',
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
      ...o,
      lines,
      totalCents: orderTotal(lines),
    };
  };

  it.each(SCENARIOS)('$name', async ({ order: shape, run, expected, stockDelta }) => {
    const before = await read.repos.inventory.stockOf('WIDGET');
    const o = order(shape);
    await driver.place(o);
    await run?.(driver, o);
    await read.awaitTerminal(o.orderId);
    expect(await read.snapshot(o.orderId)).toEqual(expected);
    expect(before - (await read.repos.inventory.stockOf('WIDGET'))).toBe(stockDelta);
  });

  it('refuses a malformed order at the edge and writes nothing', async () => {
    const bad = { ...order({}), lines: [{ sku: 'WIDGET', qty: 0, unitPriceCents: 1 }], totalCents: 0 };
    await expect(driver.place(bad)).rejects.toBeInstanceOf(ContractError);
    expect(await read.snapshot(bad.orderId)).toEqual({
      order: undefined,
      reservation: undefined,
      payment: undefined,
      shipment: undefined,
      notified: false,
    });
  });

  it('isolates a poison message on its work queue in a DLQ and keeps going', async ({ skip }) => {
    if (!driver.injectPoison) return skip('no queue of its own: Temporal tasks come from the server, poison is refused at the edge');
    expect(await driver.injectPoison('{not json')).toEqual(['{not json']);
    const o = order({});
    await driver.place(o);
    await read.awaitTerminal(o.orderId);
    expect(await read.snapshot(o.orderId)).toEqual(COMPLETED);
  });
});
