import type { AwsClients } from '../aws/clients.ts';
import { isTerminal, type OrderStatus } from '../domain/order.ts';
import type { TableNames } from '../topology/tables.ts';
import { serviceRepositories } from '../services/repositories.ts';

/** What every table says about one order. Identical across variants for identical orders. */
export interface OrderSnapshot {
  order: OrderStatus | undefined;
  reservation: string | undefined;
  payment: string | undefined;
  shipment: string | undefined;
  notified: boolean;
}

/** Reads the tables the way the checks need: an order's status, its snapshot, or the wait for its end. */
export function tableReader(clients: AwsClients, tables: TableNames) {
  const { doc: _doc, orders, ...repos } = serviceRepositories(clients.dynamodb, tables);
  const statusOf = (orderId: string) => orders.status(orderId);
  return {
    repos,
    statusOf,
    async snapshot(orderId: string): Promise<OrderSnapshot> {
      return {
        order: await statusOf(orderId),
        reservation: (await repos.inventory.reservation(orderId))?.status,
        payment: (await repos.payments.get(orderId))?.status,
        shipment: (await repos.shipments.get(orderId))?.status,
        notified: (await repos.notifications.get(orderId, 'order-shipped')) !== undefined,
      };
    },
    async awaitTerminal(orderId: string, timeoutMs = 60_000): Promise<OrderStatus> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await statusOf(orderId);
        if (s && isTerminal(s)) return s;
        if (Date.now() > deadline) throw new Error(`${orderId} not terminal after ${timeoutMs} ms (status ${s})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
