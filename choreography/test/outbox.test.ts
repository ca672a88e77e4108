import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { address, paymentToken } from '../../shared/domain/simulation.ts';
import { provisionLocal } from '../local.ts';
import type { ChoreographyConfig } from '../config.ts';
import { choreographyDeps, type ChoreographyDeps } from '../deps.ts';
import { OutboxPublisher } from '../orders/publisher.ts';
import { makeHandler } from '../handler.ts';
import { OUTBOX_RECOVERY_MS } from '../orders/publish-on-commit.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/** Drains a queue into a Lambda-shaped batch (no consumer process runs in this test). */
async function batchFrom(clients: AwsClients, queueUrl: string, expected: number): Promise<SQSEvent> {
  const records: SQSEvent['Records'] = [];
  const deadline = Date.now() + 10_000;
  while (records.length < expected && Date.now() < deadline) {
    const r = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    for (const m of r.Messages ?? []) {
      records.push({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body!,
        attributes: {
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: '0',
          SenderId: 'test',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn',
        awsRegion: 'us-east-1',
      });
    }
  }
  return { Records: records };
}

// A publisher that dies after SNS accepted an event but before it removed the
// event from the outbox: the event is published again, and the domain still
// applies it exactly once.
describe('transactional outbox', () => {
  const substrate = inject('substrate');
  let clients: AwsClients;
  let config: ChoreographyConfig;
  let deps: ChoreographyDeps;

  beforeAll(async () => {
    clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    config = await provisionLocal(clients, `outbox-${Date.now()}`);
    deps = choreographyDeps(clients, config.tables, config.busArn);
    await deps.inventory.seedStock({ WIDGET: 10 });
  });
  afterAll(() => clients.destroy());

  it('republishes after a crash between publish and ack, and the effect happens once', async () => {
    const { orderId, event } = await deps.orders.placeOrder({
      customerId: 'c',
      lines: [{ sku: 'WIDGET', qty: 3, unitPriceCents: 100 }],
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
    });
    expect(await deps.store.pendingOutbox()).toHaveLength(1);

    const crashing = new OutboxPublisher(deps.store, clients, config.busArn, async () => {
      throw new Error('publisher killed after publish, before ack');
    });
    await expect(crashing.drain()).rejects.toThrow(/killed/);
    expect(await deps.store.pendingOutbox()).toHaveLength(1);

    const restarted = new OutboxPublisher(deps.store, clients, config.busArn);
    expect(await restarted.drain()).toBe(1);
    expect(await deps.store.pendingOutbox()).toHaveLength(0);

    // Inventory got the event twice, with one id.
    const inventoryQueue = config.queues.inventory!.url;
    const delivered = await batchFrom(clients, inventoryQueue, 2);
    expect(delivered.Records.map((r) => JSON.parse(r.body).messageId)).toEqual([event.messageId, event.messageId]);
    const inventory = makeHandler('inventory', deps, inventoryQueue);
    expect(await inventory(delivered)).toEqual({ batchItemFailures: [] });
    expect(await deps.inventory.stockOf('WIDGET')).toBe(7);
    expect((await deps.inventory.reservation(orderId))?.status).toBe('RESERVED');

    // Inventory's answer, emitted twice, carries one derived id; the order records it once.
    const ordersQueue = config.queues.orders!.url;
    const answers = await batchFrom(clients, ordersQueue, 2);
    expect(new Set(answers.Records.map((r) => JSON.parse(r.body).messageId)).size).toBe(1);
    const orders = makeHandler('orders', deps, ordersQueue);
    expect(await orders(answers)).toEqual({ batchItemFailures: [] });
    const stream = await deps.store.load(orderId);
    expect(stream.map((s) => s.event.type)).toEqual(['OrderPlaced', 'InventoryReserved']);
    expect(await deps.orders.getOrder(orderId)).toMatchObject({ status: 'INVENTORY_RESERVED', seq: 2 });
  });

  it('publishes on commit and empties the outbox; what that misses, the poller takes once it is older than its grace', async () => {
    const fast = choreographyDeps(clients, config.tables, config.busArn, { publishOnCommit: true });
    const order = {
      customerId: 'c',
      lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 100 }],
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
    };
    const { event } = await fast.orders.placeOrder(order);
    // Published at once; its removal rides the next batch, which leaves well within the poller's grace.
    const since = Date.now();
    while ((await fast.store.pendingOutbox()).length > 0 && Date.now() - since < OUTBOX_RECOVERY_MS) await sleep(50);
    expect(await fast.store.pendingOutbox()).toEqual([]);
    const inventoryQueue = config.queues.inventory!.url;
    expect((await batchFrom(clients, inventoryQueue, 1)).Records.map((r) => JSON.parse(r.body).messageId)).toEqual([event.messageId]);

    // A publish that fails (no such topic) leaves the item to the poller, which waits out its grace first.
    const broken = choreographyDeps(clients, config.tables, `${config.busArn}-gone`, { publishOnCommit: true });
    const missed = await broken.orders.placeOrder(order);
    const poller = new OutboxPublisher(deps.store, clients, config.busArn, undefined, 1500);
    expect(await poller.drain()).toBe(0);
    expect(await deps.store.pendingOutbox()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1600));
    expect(await poller.drain()).toBe(1);
    expect(await deps.store.pendingOutbox()).toEqual([]);
    expect((await batchFrom(clients, inventoryQueue, 1)).Records.map((r) => JSON.parse(r.body).messageId)).toEqual([
      missed.event.messageId,
    ]);
  });

  it('writes the status projection before it publishes, so no reader hears of an order it cannot read', async () => {
    const watched = choreographyDeps(clients, config.tables, config.busArn);
    const orderId = `ord-proj-${Date.now()}`;
    const seenAtPublish: unknown[] = [];
    watched.store.onCommitted(async () => void seenAtPublish.push((await watched.orders.getOrder(orderId))?.status));
    await watched.orders.placeOrder({
      orderId,
      customerId: 'c',
      lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 100 }],
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
    });
    await watched.orders.cancelOrder(orderId);
    expect(seenAtPublish).toEqual(['PENDING', 'PENDING']);
    expect(await watched.orders.getOrder(orderId)).toMatchObject({ cancelRequested: true, seq: 2 });
  });
});
