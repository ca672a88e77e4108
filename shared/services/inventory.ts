import type { OrderLine } from '../domain/order.ts';
import type { InventoryRepo, ReserveOutcome } from './ports.ts';

/** Reserves every line of the order or none of them. */
export async function reserveInventory(repo: InventoryRepo, orderId: string, lines: readonly OrderLine[]): Promise<ReserveOutcome> {
  return repo.reserve(orderId, lines);
}

/** Compensation for reserve: idempotent, and a no-op when nothing is reserved. */
export async function releaseInventory(repo: InventoryRepo, orderId: string): Promise<{ released: boolean }> {
  return { released: await repo.release(orderId) };
}

/** The reservation leaves the warehouse with the shipment. */
export async function commitInventory(repo: InventoryRepo, orderId: string): Promise<{ committed: boolean; reservationId: string }> {
  return { committed: await repo.commit(orderId), reservationId: `res-${orderId}` };
}
