import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { orderDocumentSchema, parseWith, type OrderDocument } from '../../shared/domain/contracts.ts';
import { isTerminal, type OrderStatus } from '../../shared/domain/order.ts';
import type { TableNames } from '../../shared/topology/tables.ts';
import { documentClient } from '../../shared/services/dynamo/document.ts';
import { DynamoInventoryRepo } from '../../shared/services/dynamo/inventory.ts';
import { DynamoNotificationsRepo, DynamoPaymentsRepo, DynamoShipmentsRepo } from '../../shared/services/dynamo/records.ts';

export type VariantName = 'choreography' | 'stepfunctions' | 'temporal';
export const VARIANTS: readonly VariantName[] = ['choreography', 'stepfunctions', 'temporal'];

/**
 * One way to drive any variant, so one scenario table and one workload run
 * against all three. Only coordination differs behind it: the tables and the
 * service functions are the same.
 */
export interface VariantDriver {
  name: VariantName;
  tables: TableNames;
  /** Starts the saga for a validated order; a bad order is refused here, at the edge, before anything is written. */
  place(order: OrderDocument): Promise<void>;
  /** The same PlaceOrder again: 'refused' (rejected as a duplicate) or 'same' (idempotently the same run). */
  placeAgain(order: OrderDocument): Promise<'refused' | 'same'>;
  cancel(orderId: string): Promise<void>;
  /** A malformed message on the variant's own work queue, if it has one; resolves with the DLQ bodies. */
  injectPoison?(body: string): Promise<string[]>;
  stop(): Promise<void>;
}

export const validated = (order: unknown): OrderDocument => parseWith(orderDocumentSchema, 'order', order);

/** What every table says about one order. Identical across variants for identical orders. */
export interface OrderSnapshot {
  order: OrderStatus | undefined;
  reservation: string | undefined;
  payment: string | undefined;
  shipment: string | undefined;
  notified: boolean;
}

export function tableReader(clients: AwsClients, tables: TableNames) {
  const doc = documentClient(clients.dynamodb);
  const repos = {
    inventory: new DynamoInventoryRepo(doc, tables.inventory),
    payments: new DynamoPaymentsRepo(doc, tables.payments),
    shipments: new DynamoShipmentsRepo(doc, tables.shipments),
    notifications: new DynamoNotificationsRepo(doc, tables.notifications),
  };
  const statusOf = async (orderId: string): Promise<OrderStatus | undefined> =>
    (await doc.send(new GetCommand({ TableName: tables.orders, Key: { pk: orderId }, ConsistentRead: true }))).Item?.status as OrderStatus | undefined;
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
