import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { address, paymentToken } from '../../shared/domain/simulation.ts';
import { eventFrom } from '../../shared/messaging/envelope.ts';
import { provisionLocal } from '../local.ts';
import type { ChoreographyConfig } from '../config.ts';
import { choreographyDeps, type ChoreographyDeps } from '../deps.ts';

// Issue #19, found by the multi-seed fault benchmark (choreography, throttle,
// seed 303): an order completed in the event store, and its completion went out
// on the bus, but the orders table kept showing SHIPPED. The append and the
// projection write are two calls; when the second one fails, the message comes
// back, and the redelivery met its own messageId in the stream and wrote
// nothing, so the projection stayed one step behind for good.
describe('orders projection: a redelivery after the append', () => {
  const substrate = inject('substrate');
  let clients: AwsClients;
  let config: ChoreographyConfig;
  let deps: ChoreographyDeps;

  beforeAll(async () => {
    clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    config = await provisionLocal(clients, `projection-${Date.now()}`);
    deps = choreographyDeps(clients, config.tables, config.busArn);
  });
  afterAll(() => clients.destroy());

  it('writes the projection the first delivery could not', async () => {
    const orderId = `ord-proj-${Date.now()}`;
    const { event: placed } = await deps.orders.placeOrder({
      orderId,
      customerId: 'c',
      lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 500 }],
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
    });
    const notified = eventFrom(
      'CustomerNotified',
      { notificationId: `note-${orderId}-shipped`, template: 'order-shipped' },
      { orderId, producer: 'notifications', cause: { messageId: placed.messageId, correlationId: orderId } },
    );

    // Every SDK attempt of the projection write fails, after the append went through.
    const faulty = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints }, undefined, {
      throttlePct: 0,
      duplicatePct: 0,
      seed: 1,
      throttleCalls: [{ operation: 'dynamodb.PutItem', match: orderId, times: 3 }],
    });
    try {
      await expect(choreographyDeps(faulty, config.tables, config.busArn).orders.observe(notified)).rejects.toThrow(/throttle/);
    } finally {
      faulty.destroy();
    }
    expect((await deps.store.load(orderId)).map((s) => s.event.type)).toEqual(['OrderPlaced', 'CustomerNotified', 'OrderCompleted']);
    expect((await deps.orders.getOrder(orderId))?.status).toBe('PENDING');

    await deps.orders.observe(notified);
    expect((await deps.store.load(orderId)).length).toBe(3);
    expect(await deps.orders.getOrder(orderId)).toMatchObject({ status: 'COMPLETED', seq: 3 });
  });
});
