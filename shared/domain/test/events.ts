import { randomUUID } from 'node:crypto';
import { CONTRACT_VERSION, type DomainEvent, type EventOf, type EventType } from '../contracts.ts';

/**
 * Test helpers: one valid sample payload per event type, and a builder for
 * well-formed envelopes. Kept in the test folder so the domain itself stays free
 * of node:crypto.
 */
export const SAMPLE_PAYLOADS: { [K in EventType]: EventOf<K>['payload'] } = {
  OrderPlaced: { totalCents: 1_250, lineCount: 2 },
  OrderCancelRequested: { reason: 'customer request' },
  InventoryReserved: { reservationId: 'res-1' },
  InventoryRejected: { missingSkus: ['SKU-1', 'SKU-2'] },
  InventoryReleased: { released: true },
  InventoryCommitted: { reservationId: 'res-1' },
  PaymentCharged: { paymentId: 'pay-1', amountCents: 1_250 },
  PaymentDeclined: { reason: 'card declined' },
  PaymentRefunded: { paymentId: 'pay-1', amountCents: 1_250 },
  ShipmentCreated: { shipmentId: 'shp-1' },
  ShipmentFailed: { reason: 'ADDRESS_INVALID' },
  CustomerNotified: { notificationId: 'ntf-1', template: 'order-shipped' },
  OrderCompleted: {},
  OrderRejected: { reason: 'out of stock: SKU-1' },
  OrderCancelled: { reason: 'payment declined: card declined' },
};

const PRODUCER: Record<EventType, DomainEvent['producer']> = {
  OrderPlaced: 'orders',
  OrderCancelRequested: 'orders',
  InventoryReserved: 'inventory',
  InventoryRejected: 'inventory',
  InventoryReleased: 'inventory',
  InventoryCommitted: 'inventory',
  PaymentCharged: 'payments',
  PaymentDeclined: 'payments',
  PaymentRefunded: 'payments',
  ShipmentCreated: 'shipping',
  ShipmentFailed: 'shipping',
  CustomerNotified: 'notifications',
  OrderCompleted: 'orders',
  OrderRejected: 'orders',
  OrderCancelled: 'orders',
};

export const ORDER_ID = 'ord-test-1';

/** A well-formed event of `type` (fresh messageId), payload overridable. */
export function makeEvent<K extends EventType>(type: K, payload?: Partial<EventOf<K>['payload']>, orderId = ORDER_ID): EventOf<K> {
  const messageId = randomUUID();
  return {
    messageId,
    version: CONTRACT_VERSION,
    type,
    orderId,
    correlationId: orderId,
    causationId: messageId,
    occurredAt: new Date().toISOString(),
    producer: PRODUCER[type],
    payload: { ...SAMPLE_PAYLOADS[type], ...payload },
  } as EventOf<K>;
}

/** Builds a stream of events from their types, sample payloads throughout. */
export const stream = (...types: EventType[]): DomainEvent[] => types.map((t) => makeEvent(t) as DomainEvent);
