import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../aws/clients.ts';
import { provisionTables } from '../../engines/provision.ts';
import type { TableNames } from '../../topology/tables.ts';
import { address, paymentToken } from '../../domain/simulation.ts';
import { documentClient } from '../dynamo/document.ts';
import { DynamoInventoryRepo } from '../dynamo/inventory.ts';
import { DynamoNotificationsRepo, DynamoPaymentsRepo, DynamoShipmentsRepo } from '../dynamo/records.ts';
import { commitInventory, releaseInventory, reserveInventory } from '../inventory.ts';
import { chargePayment, refundPayment } from '../payments.ts';
import { blockShipment, createShipment } from '../shipping.ts';
import { notifyCustomer } from '../notifications.ts';
import { DynamoOrdersStatusRepo } from '../dynamo/orders-status.ts';
import { DynamoBank, DynamoCarrier, readLedger } from '../dynamo/ledger.ts';
import { recordOrderStatus } from '../orders-status.ts';
import { TransientError } from '../errors.ts';

// The service functions every variant calls, against real DynamoDB tables built
// from the shared topology. Duplicates and races must never double an effect.
describe('service logic on DynamoDB', () => {
  const substrate = inject('substrate');
  let clients: AwsClients;
  let tables: TableNames;
  let inventory: DynamoInventoryRepo;
  let payments: DynamoPaymentsRepo;
  let shipments: DynamoShipmentsRepo;
  let notifications: DynamoNotificationsRepo;
  let orders: DynamoOrdersStatusRepo;
  let bank: DynamoBank;
  let carrier: DynamoCarrier;
  const id = () => `o-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    tables = await provisionTables(clients, `svc-${Date.now()}`);
    const doc = documentClient(clients.dynamodb);
    inventory = new DynamoInventoryRepo(doc, tables.inventory);
    payments = new DynamoPaymentsRepo(doc, tables.payments);
    shipments = new DynamoShipmentsRepo(doc, tables.shipments);
    notifications = new DynamoNotificationsRepo(doc, tables.notifications);
    orders = new DynamoOrdersStatusRepo(doc, tables.orders);
    bank = new DynamoBank(doc, tables.payments);
    carrier = new DynamoCarrier(doc, tables.shipments);
  });
  afterAll(() => clients.destroy());

  describe('inventory', () => {
    it('reserves all lines or none, and a duplicate reserve changes nothing', async () => {
      await inventory.seedStock({ 'INV-A': 5, 'INV-B': 2 });
      const o1 = id();
      expect(
        await reserveInventory(inventory, o1, [
          { sku: 'INV-A', qty: 2, unitPriceCents: 100 },
          { sku: 'INV-B', qty: 1, unitPriceCents: 50 },
        ]),
      ).toEqual({
        status: 'RESERVED',
        reservationId: `res-${o1}`,
      });
      await reserveInventory(inventory, o1, [
        { sku: 'INV-A', qty: 2, unitPriceCents: 100 },
        { sku: 'INV-B', qty: 1, unitPriceCents: 50 },
      ]);
      expect([await inventory.stockOf('INV-A'), await inventory.stockOf('INV-B')]).toEqual([3, 1]);

      const o2 = id();
      const short = await reserveInventory(inventory, o2, [
        { sku: 'INV-A', qty: 1, unitPriceCents: 100 },
        { sku: 'INV-B', qty: 5, unitPriceCents: 50 },
      ]);
      expect(short).toEqual({ status: 'OUT_OF_STOCK', missingSkus: ['INV-B'] });
      expect([await inventory.stockOf('INV-A'), await inventory.stockOf('INV-B')]).toEqual([3, 1]);
      // The first answer stands for a duplicate, even after a restock.
      await inventory.seedStock({ 'INV-B': 50 });
      expect(
        await reserveInventory(inventory, o2, [
          { sku: 'INV-A', qty: 1, unitPriceCents: 100 },
          { sku: 'INV-B', qty: 5, unitPriceCents: 50 },
        ]),
      ).toEqual(short);
      expect(await inventory.stockOf('INV-B')).toBe(50);
    });

    it('releases a reservation once, and never after a commit', async () => {
      await inventory.seedStock({ 'REL-A': 10 });
      const o = id();
      await reserveInventory(inventory, o, [{ sku: 'REL-A', qty: 4, unitPriceCents: 1 }]);
      expect(await inventory.stockOf('REL-A')).toBe(6);
      expect(await releaseInventory(inventory, o)).toEqual({ released: true });
      expect(await releaseInventory(inventory, o)).toEqual({ released: false });
      expect(await inventory.stockOf('REL-A')).toBe(10);
      expect((await commitInventory(inventory, o)).committed).toBe(false);

      const shipped = id();
      await reserveInventory(inventory, shipped, [{ sku: 'REL-A', qty: 3, unitPriceCents: 1 }]);
      expect((await commitInventory(inventory, shipped)).committed).toBe(true);
      expect(await releaseInventory(inventory, shipped)).toEqual({ released: false });
      expect(await inventory.stockOf('REL-A')).toBe(7);
      expect((await inventory.reservation(shipped))?.status).toBe('COMMITTED');
      expect(await releaseInventory(inventory, id())).toEqual({ released: false });
    });

    it('takes stock once when the same reservation arrives ten times at once', async () => {
      await inventory.seedStock({ 'RACE-A': 100 });
      const o = id();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => reserveInventory(inventory, o, [{ sku: 'RACE-A', qty: 7, unitPriceCents: 1 }])),
      );
      expect(new Set(results.map((r) => r.status))).toEqual(new Set(['RESERVED']));
      expect(await inventory.stockOf('RACE-A')).toBe(93);
    });
  });

  describe('payments', () => {
    it('charges once per order, refunds once, and refuses a charge after a refund', async () => {
      const o = id();
      const cmd = { orderId: o, amountCents: 1234, paymentToken: paymentToken('ok'), attempt: 1 };
      expect(await chargePayment(payments, bank, cmd)).toEqual({ status: 'CHARGED', paymentId: `pay-${o}`, amountCents: 1234 });
      expect(await chargePayment(payments, bank, { ...cmd, amountCents: 9999 })).toEqual({
        status: 'CHARGED',
        paymentId: `pay-${o}`,
        amountCents: 1234,
      });
      expect(await refundPayment(payments, bank, o)).toEqual({ paymentId: `pay-${o}`, amountCents: 1234 });
      expect(await refundPayment(payments, bank, o)).toEqual({ paymentId: `pay-${o}`, amountCents: 1234 });
      expect(await payments.get(o)).toEqual({ status: 'REFUNDED', paymentId: `pay-${o}`, amountCents: 1234 });
      expect((await chargePayment(payments, bank, cmd)).status).toBe('DECLINED');
    });

    it('declines a declined card, retries a flaky one, and gives up after the last attempt', async () => {
      const declined = id();
      expect(
        await chargePayment(payments, bank, { orderId: declined, amountCents: 5, paymentToken: paymentToken('declined'), attempt: 1 }),
      ).toEqual({
        status: 'DECLINED',
        reason: 'card declined',
      });
      const flaky = id();
      const cmd = { orderId: flaky, amountCents: 5, paymentToken: paymentToken('ok', 1), attempt: 1 };
      await expect(chargePayment(payments, bank, cmd)).rejects.toBeInstanceOf(TransientError);
      expect(await payments.get(flaky)).toBeUndefined();
      expect((await chargePayment(payments, bank, { ...cmd, attempt: 2 })).status).toBe('CHARGED');
      const hopeless = id();
      const last = await chargePayment(payments, bank, {
        orderId: hopeless,
        amountCents: 5,
        paymentToken: paymentToken('ok', 9),
        attempt: 3,
      });
      expect(last).toEqual({ status: 'DECLINED', reason: 'bank unavailable, retries exhausted' });
    });

    it('records a refund that arrives before the charge, and then refuses the charge', async () => {
      const o = id();
      expect(await refundPayment(payments, bank, o)).toEqual({ paymentId: null, amountCents: 0 });
      expect(await payments.get(o)).toEqual({ status: 'VOID' });
      expect(
        (await chargePayment(payments, bank, { orderId: o, amountCents: 5, paymentToken: paymentToken('ok'), attempt: 1 })).status,
      ).toBe('DECLINED');
    });

    it('charges once when ten identical charges race', async () => {
      const o = id();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          chargePayment(payments, bank, { orderId: o, amountCents: 700, paymentToken: paymentToken('ok'), attempt: 1 }),
        ),
      );
      expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
      expect(await payments.get(o)).toEqual({ status: 'CHARGED', paymentId: `pay-${o}`, amountCents: 700 });
    });

    it("books every bank call in the ledger under one key per order, off the variant's meter", async () => {
      const o = id();
      const flaky = { orderId: o, amountCents: 300, paymentToken: paymentToken('ok', 1), attempt: 1 };
      const putsBefore = clients.meter.get('dynamodb', 'PutItem')?.calls ?? 0;
      await expect(chargePayment(payments, bank, flaky)).rejects.toBeInstanceOf(TransientError);
      await chargePayment(payments, bank, { ...flaky, attempt: 2 });
      await chargePayment(payments, bank, { ...flaky, attempt: 2 }); // a duplicate: finds the record, never reaches the bank
      await refundPayment(payments, bank, o);
      // Only the service's own write (the payment record) is metered; the three ledger writes are not.
      expect((clients.meter.get('dynamodb', 'PutItem')?.calls ?? 0) - putsBefore).toBe(1);
      const mine = (await readLedger(documentClient(clients.dynamodb), tables.payments)).filter((a) => a.orderId === o);
      expect(
        mine.map((a) => [a.kind, 'verdict' in a ? a.verdict : '-', a.idempotencyKey, 'amountCents' in a ? a.amountCents : 0]).sort(),
      ).toEqual([
        ['charge', 'OK', `charge-${o}`, 300],
        ['charge', 'TRANSIENT', `charge-${o}`, 300],
        ['refund', '-', `refund-${o}`, 300],
      ]);
    });
  });

  describe('shipping and notifications', () => {
    it('ships once, fails an invalid address, and never ships after a cancel', async () => {
      const o = id();
      expect(await createShipment(shipments, carrier, { orderId: o, address: address('ok'), lines: [], attempt: 1 })).toEqual({
        status: 'CREATED',
        shipmentId: `ship-${o}`,
      });
      expect(await createShipment(shipments, carrier, { orderId: o, address: address('ok'), lines: [], attempt: 1 })).toEqual({
        status: 'CREATED',
        shipmentId: `ship-${o}`,
      });
      expect(await blockShipment(shipments, o)).toEqual({ blocked: false });

      const bad = id();
      expect(await createShipment(shipments, carrier, { orderId: bad, address: address('invalid'), lines: [], attempt: 1 })).toEqual({
        status: 'FAILED',
        reason: 'ADDRESS_INVALID',
      });

      const flaky = id();
      await expect(
        createShipment(shipments, carrier, { orderId: flaky, address: address('ok', 1), lines: [], attempt: 1 }),
      ).rejects.toBeInstanceOf(TransientError);
      expect((await createShipment(shipments, carrier, { orderId: flaky, address: address('ok', 1), lines: [], attempt: 2 })).status).toBe(
        'CREATED',
      );

      const cancelled = id();
      expect(await blockShipment(shipments, cancelled)).toEqual({ blocked: true });
      expect(await createShipment(shipments, carrier, { orderId: cancelled, address: address('ok'), lines: [], attempt: 1 })).toEqual({
        status: 'FAILED',
        reason: 'CANCELLED_BY_CUSTOMER',
      });
      expect(await shipments.get(cancelled)).toEqual({ status: 'BLOCKED' });
    });

    it('tells the customer once', async () => {
      const o = id();
      expect(await notifyCustomer(notifications, { orderId: o, customerId: 'c1', template: 'shipped' })).toEqual({
        first: true,
        notificationId: `note-${o}-shipped`,
      });
      expect(await notifyCustomer(notifications, { orderId: o, customerId: 'c1', template: 'shipped' })).toEqual({
        first: false,
        notificationId: `note-${o}-shipped`,
      });
    });
  });

  describe('orders status', () => {
    // A Step Functions callback worker that dies after answering RecordPending
    // but before deleting its message gets that message again once the queue's
    // visibility timeout runs out, which can be after the order completed.
    it('never moves a terminal status back when an earlier write is redelivered', async () => {
      const o = id();
      await recordOrderStatus(orders, o, 'PENDING', null);
      await recordOrderStatus(orders, o, 'COMPLETED', null);
      expect(await recordOrderStatus(orders, o, 'PENDING', null)).toEqual({ status: 'COMPLETED' });
      expect(await orders.status(o)).toBe('COMPLETED');
      await recordOrderStatus(orders, o, 'CANCELLED', 'compensated');
      expect(await orders.status(o)).toBe('COMPLETED');
    });

    it('keeps the cancel flag and repeats a terminal write idempotently', async () => {
      const o = id();
      await recordOrderStatus(orders, o, 'PENDING', null);
      await orders.requestCancel(o);
      expect(await recordOrderStatus(orders, o, 'CANCELLED', 'compensated')).toEqual({ status: 'CANCELLED' });
      expect(await recordOrderStatus(orders, o, 'CANCELLED', 'compensated')).toEqual({ status: 'CANCELLED' });
      expect([await orders.status(o), await orders.cancelRequested(o)]).toEqual(['CANCELLED', true]);
    });
  });
});
