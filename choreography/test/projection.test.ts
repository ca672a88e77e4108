import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/services/dynamo/document.ts';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { address, paymentToken } from '../../shared/domain/simulation.ts';
import { eventFrom } from '../../shared/messaging/envelope.ts';
import type { DomainEvent } from '../../shared/domain/contracts.ts';
import { provisionLocal } from '../local.ts';
import type { ChoreographyConfig } from '../config.ts';
import { choreographyDeps, type ChoreographyDeps } from '../deps.ts';

describe('orders projection and stream heads', () => {
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

  const place = async (orderId: string, via = deps) =>
    (
      await via.orders.placeOrder({
        orderId,
        customerId: 'c',
        lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 500 }],
        paymentToken: paymentToken('ok'),
        shippingAddress: address('ok'),
      })
    ).event;
  const answer = (type: 'InventoryReserved' | 'PaymentCharged', cause: DomainEvent): DomainEvent =>
    type === 'InventoryReserved'
      ? eventFrom('InventoryReserved', { reservationId: `res-${cause.orderId}` }, { orderId: cause.orderId, producer: 'inventory', cause })
      : eventFrom(
          'PaymentCharged',
          { paymentId: `pay-${cause.orderId}`, amountCents: 500 },
          { orderId: cause.orderId, producer: 'payments', cause },
        );
  const types = async (orderId: string) => (await deps.store.load(orderId)).map((s) => s.event.type);

  // Issue #19, found by the multi-seed fault benchmark (choreography, throttle, seed 303): the
  // append and the projection write were two calls, and when the second failed the projection
  // stayed a step behind for good. They are one transaction now: neither or both.
  it('commits the projection with the append, or neither', async () => {
    const orderId = `ord-proj-${Date.now()}`;
    const placed = await place(orderId);
    const notified = eventFrom(
      'CustomerNotified',
      { notificationId: `note-${orderId}-shipped`, template: 'order-shipped' },
      { orderId, producer: 'notifications', cause: { messageId: placed.messageId, correlationId: orderId } },
    );

    // Every SDK attempt of the append fails.
    const faulty = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints }, undefined, {
      throttlePct: 0,
      duplicatePct: 0,
      seed: 1,
      throttleCalls: [{ operation: 'dynamodb.TransactWriteItems', match: orderId, times: 3 }],
    });
    try {
      await expect(choreographyDeps(faulty, config.tables, config.busArn).orders.observe(notified)).rejects.toThrow(/throttle/);
    } finally {
      faulty.destroy();
    }
    expect(await types(orderId)).toEqual(['OrderPlaced']);
    expect(await deps.orders.getOrder(orderId)).toMatchObject({ status: 'PENDING', seq: 1 });

    await deps.orders.observe(notified);
    expect(await types(orderId)).toEqual(['OrderPlaced', 'CustomerNotified', 'OrderCompleted']);
    expect(await deps.orders.getOrder(orderId)).toMatchObject({ status: 'COMPLETED', seq: 3, customerId: 'c', totalCents: 500 });
    // A redelivery finds its message recorded and writes nothing.
    await deps.orders.observe(notified);
    expect((await types(orderId)).length).toBe(3);
  });

  // Each service instance keeps the head it appended last instead of reading the stream back; a
  // head another writer (another process, another Lambda container) moved on must be caught.
  it('reads the stream afresh when another writer moved it on, and still records a message once', async () => {
    const orderId = `ord-heads-${Date.now()}`;
    const a = deps;
    const b = choreographyDeps(clients, config.tables, config.busArn);
    const placed = await place(orderId, a);
    const reserved = answer('InventoryReserved', placed);
    const charged = answer('PaymentCharged', reserved);

    await b.orders.observe(reserved); // a's head (seq 1) is now stale
    await a.orders.observe(charged); // its append at seq 2 clashes; it reads the stream and appends at 3
    expect(await types(orderId)).toEqual(['OrderPlaced', 'InventoryReserved', 'PaymentCharged']);
    expect(await a.orders.getOrder(orderId)).toMatchObject({ status: 'PAYMENT_CHARGED', seq: 3 });

    // b's head (seq 2) does not know PaymentCharged: the duplicate clashes, b reads, and finds it recorded.
    await b.orders.observe(charged);
    await a.orders.observe(reserved);
    expect(await types(orderId)).toEqual(['OrderPlaced', 'InventoryReserved', 'PaymentCharged']);
    expect(await b.orders.getOrder(orderId)).toMatchObject({ status: 'PAYMENT_CHARGED', seq: 3 });
  });

  it('answers a decision that appends nothing (a refused cancel) from a fresh read, not from a stale head', async () => {
    const orderId = `ord-refuse-${Date.now()}`;
    const a = deps;
    const b = choreographyDeps(clients, config.tables, config.busArn);
    const placed = await place(orderId, a);
    expect(await a.orders.cancelOrder(orderId)).toEqual({ accepted: true, status: 'PENDING' });
    await b.orders.observe(answer('InventoryReserved', placed));
    expect(await a.orders.cancelOrder(orderId)).toEqual({ accepted: false, status: 'INVENTORY_RESERVED' });
  });

  it('rebuilds a lost projection from the store, and never over a newer one', async () => {
    const orderId = `ord-rebuild-${Date.now()}`;
    const placed = await place(orderId);
    await deps.orders.observe(answer('InventoryReserved', placed));
    const doc = documentClient(clients.dynamodb);
    await doc.send(new DeleteCommand({ TableName: config.tables.orders, Key: { pk: orderId } }));
    expect(await deps.orders.getOrder(orderId)).toBeUndefined();
    expect(await deps.orders.rebuildProjection(orderId)).toMatchObject({
      orderId,
      status: 'INVENTORY_RESERVED',
      seq: 2,
      customerId: 'c',
      totalCents: 500,
    });
    // A view newer than what the rebuild read (an append that committed meanwhile) stays.
    await doc.send(
      new UpdateCommand({
        TableName: config.tables.orders,
        Key: { pk: orderId },
        UpdateExpression: 'SET seq = :s',
        ExpressionAttributeValues: { ':s': 9 },
      }),
    );
    expect(await deps.orders.rebuildProjection(orderId)).toMatchObject({ seq: 9 });
  });
});
