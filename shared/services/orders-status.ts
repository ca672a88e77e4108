import type { OrderStatus } from '../domain/order.ts';
import type { OrdersStatusRepo } from './ports.ts';

/** The orchestrators' bookkeeping of an order's status (the choreography's orders service projects it from events). */
export async function recordOrderStatus(
  repo: OrdersStatusRepo,
  orderId: string,
  status: OrderStatus,
  failure: string | null,
): Promise<{ status: OrderStatus }> {
  return { status: await repo.record(orderId, status, failure) };
}

/** The shipping gate of an orchestrator that cannot take a signal: has the customer asked to cancel? */
export async function readCancelGate(repo: OrdersStatusRepo, orderId: string): Promise<{ cancelRequested: boolean }> {
  return { cancelRequested: await repo.cancelRequested(orderId) };
}
