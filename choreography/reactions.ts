import type { DomainEvent, ServiceName } from '../shared/domain/contracts.ts';
import { eventFrom } from '../shared/messaging/envelope.ts';
import { commitInventory, releaseInventory, reserveInventory } from '../shared/services/inventory.ts';
import { chargePayment, refundPayment } from '../shared/services/payments.ts';
import { blockShipment, createShipment } from '../shared/services/shipping.ts';
import { notifyCustomer } from '../shared/services/notifications.ts';
import type { ChoreographyDeps } from './deps.ts';
import { publishEvents } from './bus.ts';

/**
 * What each service does with an event it subscribed to: call the shared service
 * function (the same one the orchestrators call), then publish the outcome.
 * No service calls another; none knows who consumes what it publishes.
 */
export async function react(service: ServiceName, event: DomainEvent, attempt: number, deps: ChoreographyDeps): Promise<DomainEvent[]> {
  const ctx = {
    orderId: event.orderId,
    producer: service,
    cause: { messageId: event.messageId, correlationId: event.correlationId },
    ...(event.order ? { order: event.order } : {}),
  } as const;
  const emitted: DomainEvent[] = [];
  const emit = (e: DomainEvent) => emitted.push(e);

  switch (`${service}:${event.type}`) {
    case 'inventory:OrderPlaced': {
      const order = await deps.claims.load(event.order);
      const r = await reserveInventory(deps.inventory, event.orderId, order.lines);
      emit(
        r.status === 'RESERVED'
          ? eventFrom('InventoryReserved', { reservationId: r.reservationId }, ctx)
          : eventFrom('InventoryRejected', { missingSkus: r.missingSkus }, ctx),
      );
      break;
    }
    case 'inventory:PaymentDeclined':
    case 'inventory:ShipmentFailed': {
      const r = await releaseInventory(deps.inventory, event.orderId);
      emit(eventFrom('InventoryReleased', r, ctx));
      break;
    }
    case 'inventory:ShipmentCreated':
      await commitInventory(deps.inventory, event.orderId);
      break;
    case 'payments:InventoryReserved': {
      const order = await deps.claims.load(event.order);
      const r = await chargePayment(deps.payments, deps.bank, {
        orderId: event.orderId,
        amountCents: order.totalCents,
        paymentToken: order.paymentToken,
        attempt,
      });
      emit(
        r.status === 'CHARGED'
          ? eventFrom('PaymentCharged', { paymentId: r.paymentId, amountCents: r.amountCents }, ctx)
          : eventFrom('PaymentDeclined', { reason: r.reason }, ctx),
      );
      break;
    }
    case 'payments:ShipmentFailed':
      emit(eventFrom('PaymentRefunded', await refundPayment(deps.payments, deps.bank, event.orderId), ctx));
      break;
    case 'shipping:PaymentCharged': {
      const order = await deps.claims.load(event.order);
      const r = await createShipment(deps.shipments, deps.carrier, {
        orderId: event.orderId,
        address: order.shippingAddress,
        lines: order.lines,
        attempt,
      });
      emit(
        r.status === 'CREATED'
          ? eventFrom('ShipmentCreated', { shipmentId: r.shipmentId }, ctx)
          : eventFrom('ShipmentFailed', { reason: r.reason }, ctx),
      );
      break;
    }
    case 'shipping:OrderCancelRequested':
      // Blocking is enough: a PaymentCharged that arrives later finds the block and fails the shipment.
      await blockShipment(deps.shipments, event.orderId);
      break;
    case 'notifications:ShipmentCreated': {
      const order = await deps.claims.load(event.order);
      const r = await notifyCustomer(deps.notifications, {
        orderId: event.orderId,
        customerId: order.customerId,
        template: 'order-shipped',
      });
      emit(eventFrom('CustomerNotified', { notificationId: r.notificationId, template: 'order-shipped' }, ctx));
      break;
    }
    case `orders:${event.type}`:
      await deps.orders.observe(event);
      return [];
    default:
      throw new Error(`${service} has no reaction to ${event.type}`);
  }
  // One call for what one reaction emits, where the bus takes batches (PutEvents).
  await publishEvents(deps.clients, deps.busArn, emitted);
  return emitted;
}
