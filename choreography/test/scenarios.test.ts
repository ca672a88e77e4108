import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TracePoint } from '../../shared/messaging/trace.ts';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { address, paymentToken } from '../../shared/domain/simulation.ts';
import { ContractError, type DomainEvent } from '../../shared/domain/contracts.ts';
import { isRunning } from '../../shared/engines/processes.ts';
import { publishEvent } from '../bus.ts';
import { DuplicateOrderError } from '../orders/orders-service.ts';
import { ordersApiClient } from '../orders/api.ts';
import { chargePayment } from '../../shared/services/payments.ts';
import { provisionLocal, startLocal, type RunningChoreography } from '../local.ts';
import { readProcessReports } from '../../shared/variant/target.ts';

// The choreographed variant end to end on the local engines: five service
// processes, SNS fan-out, SQS queues with DLQs, the orders event store and outbox.
// Every scenario checks the final state of every table, not just the order status.
describe('choreography scenarios', () => {
  const substrate = inject('substrate');
  let clients: AwsClients;
  let variant: RunningChoreography;
  const done = new Map<string, DomainEvent>();
  let polling = true;
  let poller: Promise<void>;

  beforeAll(async () => {
    clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    const config = await provisionLocal(clients, `chor-${Date.now()}`);
    variant = await startLocal(clients, config);
    await variant.deps.inventory.seedStock({ WIDGET: 100, GADGET: 100, RARE: 1 });
    poller = (async () => {
      while (polling) for (const e of await variant.nextCompletions(1)) done.set(e.orderId, e);
    })();
  });
  afterAll(async () => {
    polling = false;
    await poller;
    const pids = variant.pids;
    await variant.stop();
    expect(pids.filter(isRunning)).toEqual([]);
    clients.destroy();
  });

  async function outcome(orderId: string, timeoutMs = 30_000): Promise<DomainEvent> {
    const deadline = Date.now() + timeoutMs;
    while (!done.has(orderId)) {
      if (Date.now() > deadline)
        throw new Error(
          `order ${orderId} not terminal after ${timeoutMs} ms: ${JSON.stringify(await variant.deps.orders.getOrder(orderId))}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    return done.get(orderId)!;
  }

  const place = (overrides: Record<string, unknown> = {}) =>
    variant.deps.orders.placeOrder({
      customerId: 'cust-1',
      lines: [{ sku: 'WIDGET', qty: 2, unitPriceCents: 1500 }],
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
      ...overrides,
    });

  /** Every table's view of one order. */
  async function tablesFor(orderId: string) {
    const d = variant.deps;
    return {
      order: (await d.orders.getOrder(orderId))?.status,
      reservation: (await d.inventory.reservation(orderId))?.status,
      payment: (await d.payments.get(orderId))?.status,
      shipment: (await d.shipments.get(orderId))?.status,
      notified: (await d.notifications.get(orderId, 'order-shipped')) !== undefined,
    };
  }

  const tracePoints = (orderId: string): TracePoint[] =>
    fs
      .readdirSync(variant.config.traceDir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => fs.readFileSync(path.join(variant.config.traceDir, f), 'utf8').trim().split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as TracePoint)
      .filter((p) => p.orderId === orderId);

  it('completes the happy path, with every table agreeing', async () => {
    const before = await variant.deps.inventory.stockOf('WIDGET');
    const { orderId } = await place();
    expect((await outcome(orderId)).type).toBe('OrderCompleted');
    expect(await tablesFor(orderId)).toEqual({
      order: 'COMPLETED',
      reservation: 'COMMITTED',
      payment: 'CHARGED',
      shipment: 'CREATED',
      notified: true,
    });
    expect(await variant.deps.inventory.stockOf('WIDGET')).toBe(before - 2);
    expect(await variant.deps.payments.get(orderId)).toMatchObject({ amountCents: 3000 });
    // Each service recorded a trace point per step, for the harness's timelines.
    const points = tracePoints(orderId);
    for (const step of [
      'inventory:OrderPlaced',
      'payments:InventoryReserved',
      'shipping:PaymentCharged',
      'notifications:ShipmentCreated',
      'orders:CustomerNotified',
    ]) {
      const p = points.find((x) => x.step === step);
      expect(p, step).toBeDefined();
      expect(p!.end).toBeGreaterThanOrEqual(p!.start);
    }
    // Each event reaches each subscriber once: the orders service records the others'
    // events but publishes only its own (it once re-published them all, doubling the traffic).
    await new Promise((r) => setTimeout(r, 1500));
    const again = tracePoints(orderId);
    const perStep = new Map<string, number>();
    for (const p of again) perStep.set(p.step, (perStep.get(p.step) ?? 0) + 1);
    expect([...perStep].filter(([, n]) => n > 1)).toEqual([]);
  });

  it('rejects an order that is out of stock and touches nothing else', async () => {
    const { orderId } = await place({ lines: [{ sku: 'RARE', qty: 5, unitPriceCents: 100 }] });
    expect(await outcome(orderId)).toMatchObject({ type: 'OrderRejected' });
    expect(await tablesFor(orderId)).toEqual({
      order: 'REJECTED',
      reservation: 'REJECTED',
      payment: undefined,
      shipment: undefined,
      notified: false,
    });
    expect(await variant.deps.inventory.stockOf('RARE')).toBe(1);
  });

  it('cancels a declined payment and releases the stock', async () => {
    const before = await variant.deps.inventory.stockOf('GADGET');
    const { orderId } = await place({ lines: [{ sku: 'GADGET', qty: 3, unitPriceCents: 100 }], paymentToken: paymentToken('declined') });
    expect(await outcome(orderId)).toMatchObject({ type: 'OrderCancelled' });
    expect(await tablesFor(orderId)).toEqual({
      order: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'DECLINED',
      shipment: undefined,
      notified: false,
    });
    expect(await variant.deps.inventory.stockOf('GADGET')).toBe(before);
  });

  it('refunds and releases when shipping fails', async () => {
    const before = await variant.deps.inventory.stockOf('GADGET');
    const { orderId } = await place({ lines: [{ sku: 'GADGET', qty: 1, unitPriceCents: 100 }], shippingAddress: address('invalid') });
    expect(await outcome(orderId)).toMatchObject({ type: 'OrderCancelled' });
    expect(await tablesFor(orderId)).toEqual({
      order: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'REFUNDED',
      shipment: 'FAILED',
      notified: false,
    });
    expect(await variant.deps.inventory.stockOf('GADGET')).toBe(before);
  });

  /**
   * The Lambda invocation counts so far: the service processes' (once their meter files have
   * caught up; flushed every second) plus this process's, where placing an order publishes
   * OrderPlaced on commit, as the harness does.
   */
  async function invocations() {
    await new Promise((r) => setTimeout(r, 2500));
    const metered = readProcessReports(variant.config.traceDir).metered;
    const calls = (op: string) =>
      (metered.find((m) => m.service === 'lambda' && m.operation === op)?.calls ?? 0) +
      (variant.deps.clients.meter.get('lambda', op)?.calls ?? 0);
    return { handlers: calls('Invoke'), publisher: calls('InvokeOutboxPublisher') };
  }

  it('retries a transient bank error and charges once; the failed attempt is an invocation too', async () => {
    const before = await invocations();
    const happy = await place();
    expect((await outcome(happy.orderId)).type).toBe('OrderCompleted');
    const mid = await invocations();
    const { orderId } = await place({ paymentToken: paymentToken('ok', 1) });
    expect((await outcome(orderId)).type).toBe('OrderCompleted');
    expect(await tablesFor(orderId)).toEqual({
      order: 'COMPLETED',
      reservation: 'COMMITTED',
      payment: 'CHARGED',
      shipment: 'CREATED',
      notified: true,
    });
    const after = await invocations();
    // On AWS each message handed to a handler is an invocation: the transient order's payment
    // message is handed over twice, so it costs one invocation more than a happy order.
    expect(after.handlers - mid.handlers).toBe(mid.handlers - before.handlers + 1);
    // The outbox publisher is invoked once per event the orders service published itself.
    const own = (await variant.deps.store.load(orderId)).filter((e) => e.event.producer === 'orders').length;
    expect(own).toBeGreaterThan(0);
    expect(after.publisher - mid.publisher).toBe(own);
  });

  it('honours a customer cancel that arrives before shipping', async () => {
    // The flaky card holds the order at the payment step for one backoff interval.
    const { orderId } = await place({ paymentToken: paymentToken('ok', 1) });
    expect(await variant.deps.orders.cancelOrder(orderId)).toMatchObject({ accepted: true });
    expect(await outcome(orderId)).toMatchObject({ type: 'OrderCancelled' });
    expect(await tablesFor(orderId)).toEqual({
      order: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'REFUNDED',
      shipment: 'BLOCKED',
      notified: false,
    });
    expect(await variant.deps.orders.cancelOrder(orderId)).toMatchObject({ accepted: false, status: 'CANCELLED' });
  });

  it('does not charge twice when a charge landed but its event was never published', async () => {
    // The payments handler charged, then died before publishing: the redelivered event finds the charge.
    const orderId = `ord-acklost-${Date.now()}`;
    await chargePayment(variant.deps.payments, variant.deps.bank, {
      orderId,
      amountCents: 3000,
      paymentToken: paymentToken('ok'),
      attempt: 1,
    });
    await place({ orderId });
    expect((await outcome(orderId)).type).toBe('OrderCompleted');
    expect(await variant.deps.payments.get(orderId)).toEqual({ status: 'CHARGED', paymentId: `pay-${orderId}`, amountCents: 3000 });
  });

  it('applies an event delivered twice only once', async () => {
    const before = await variant.deps.inventory.stockOf('WIDGET');
    const { orderId, event } = await place({ lines: [{ sku: 'WIDGET', qty: 4, unitPriceCents: 10 }] });
    await publishEvent(clients, variant.config.busArn, event);
    expect((await outcome(orderId)).type).toBe('OrderCompleted');
    await publishEvent(clients, variant.config.busArn, event);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await variant.deps.inventory.stockOf('WIDGET')).toBe(before - 4);
    const stream = await variant.deps.store.load(orderId);
    expect(stream.filter((s) => s.event.type === 'OrderCompleted')).toHaveLength(1);
    expect(new Set(stream.map((s) => s.event.messageId)).size).toBe(stream.length);
  });

  it('refuses a duplicate PlaceOrder command for the same order id, and runs the order once', async () => {
    const orderId = `ord-dup-${Date.now()}`;
    const envelope = {
      messageId: randomUUID(),
      version: 1,
      type: 'PlaceOrder',
      orderId,
      correlationId: orderId,
      causationId: orderId,
      occurredAt: new Date().toISOString(),
      producer: 'client',
      payload: {
        order: {
          customerId: 'cust-2',
          lines: [{ sku: 'GADGET', qty: 1, unitPriceCents: 700 }],
          paymentToken: paymentToken('ok'),
          shippingAddress: address('ok'),
        },
      },
    };
    expect(await variant.deps.orders.handleCommand(envelope)).toEqual({ orderId, accepted: true });
    await expect(variant.deps.orders.handleCommand({ ...envelope, messageId: randomUUID() })).rejects.toBeInstanceOf(DuplicateOrderError);
    await expect(variant.deps.orders.handleCommand({ ...envelope, type: 'ChargePayment', payload: { attempt: 1 } })).rejects.toThrow(
      /does not handle ChargePayment/,
    );
    expect((await outcome(orderId)).type).toBe('OrderCompleted');
    expect(await tablesFor(orderId)).toEqual({
      order: 'COMPLETED',
      reservation: 'COMMITTED',
      payment: 'CHARGED',
      shipment: 'CREATED',
      notified: true,
    });
    expect((await variant.deps.store.load(orderId)).filter((s) => s.event.type === 'OrderPlaced')).toHaveLength(1);
  });

  it("takes orders over the orders process's API (the bench's edge): placed once, a duplicate refused, a bad order refused", async () => {
    const post = ordersApiClient(variant.config.traceDir);
    const orderId = `ord-api-${Date.now()}`;
    const order = {
      orderId,
      customerId: 'cust-api',
      lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 1500 }],
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
    };
    await post(order);
    await expect(post(order)).rejects.toBeInstanceOf(DuplicateOrderError);
    // The refusal comes back as the service's own ContractError: the fault checks count it as refused at the edge.
    const refusal = post({ ...order, orderId: `${orderId}-bad`, lines: [] });
    await expect(refusal).rejects.toBeInstanceOf(ContractError);
    await expect(refusal).rejects.toThrow(/invalid PlaceOrder: lines/);
    expect((await outcome(orderId)).type).toBe('OrderCompleted');
    expect((await variant.deps.store.load(orderId)).filter((s) => s.event.type === 'OrderPlaced')).toHaveLength(1);
    expect(await variant.deps.orders.getOrder(`${orderId}-bad`)).toBeUndefined();
  });

  it('moves poison to the DLQ and keeps consuming', async () => {
    const q = variant.config.queues.inventory!;
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: '{not json' }));
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: JSON.stringify({ type: 'OrderPlaced', orderId: 'x' }) }));
    const { orderId } = await place();
    expect((await outcome(orderId)).type).toBe('OrderCompleted');
    const dead: string[] = [];
    const deadline = Date.now() + 20_000;
    while (dead.length < 2 && Date.now() < deadline) {
      const r = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: q.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      dead.push(...(r.Messages ?? []).map((m) => m.Body ?? ''));
    }
    expect(dead.sort()).toEqual(['{"type":"OrderPlaced","orderId":"x"}', '{not json'].sort());
  });

  it('carries a large order by claim check and rebuilds its projection from the event store', async () => {
    const { orderId, event } = await place({ notes: 'x'.repeat(20_000) });
    expect(event.order && 'claimCheck' in event.order).toBe(true);
    expect((await outcome(orderId)).type).toBe('OrderCompleted');
    const rebuilt = await variant.deps.orders.rebuildProjection(orderId);
    expect(rebuilt).toMatchObject({ orderId, status: 'COMPLETED', customerId: 'cust-1', totalCents: 3000 });
  });
});
