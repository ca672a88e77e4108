import type { OrderLine } from '../domain/order.ts';
import { mayRetry } from '../domain/retry.ts';
import { TransientError } from './errors.ts';
import type { Carrier, ShipmentRecord, ShipmentsRepo } from './ports.ts';

export type ShipOutcome =
  | { status: 'CREATED'; shipmentId: string }
  | { status: 'FAILED'; reason: 'ADDRESS_INVALID' | 'CARRIER_UNAVAILABLE' | 'CANCELLED_BY_CUSTOMER' };

function asShipOutcome(r: ShipmentRecord): ShipOutcome {
  if (r.status === 'CREATED') return { status: 'CREATED', shipmentId: r.shipmentId };
  if (r.status === 'BLOCKED') return { status: 'FAILED', reason: 'CANCELLED_BY_CUSTOMER' };
  return { status: 'FAILED', reason: r.reason };
}

/** Creates at most one shipment per order, never after a customer cancel. */
export async function createShipment(
  repo: ShipmentsRepo,
  carrier: Carrier,
  cmd: { orderId: string; address: string; lines: readonly OrderLine[]; attempt: number },
): Promise<ShipOutcome> {
  const existing = await repo.get(cmd.orderId);
  if (existing) return asShipOutcome(existing);
  const verdict = await carrier.ship({ ...cmd, idempotencyKey: `ship-${cmd.orderId}` });
  if (verdict === 'TRANSIENT' && mayRetry(cmd.attempt)) throw new TransientError('ship', cmd.attempt);
  const record: ShipmentRecord =
    verdict === 'OK'
      ? { status: 'CREATED', shipmentId: `ship-${cmd.orderId}` }
      : { status: 'FAILED', reason: verdict === 'TRANSIENT' ? 'CARRIER_UNAVAILABLE' : 'ADDRESS_INVALID' };
  return asShipOutcome(await repo.recordOnce(cmd.orderId, record));
}

/**
 * The customer's cancel takes effect at the shipping gate: if no shipment exists
 * yet, none ever will. Returns whether the cancel came in time.
 */
export async function blockShipment(repo: ShipmentsRepo, orderId: string): Promise<{ blocked: boolean }> {
  const r = await repo.recordOnce(orderId, { status: 'BLOCKED' });
  return { blocked: r.status === 'BLOCKED' };
}
