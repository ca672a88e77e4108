import type { AwsClients } from '../shared/aws/clients.ts';
import type { TableNames, TableRole } from '../shared/topology/tables.ts';
import type { OrderStatus } from '../shared/domain/order.ts';
import type { InventoryRepo, PaymentRecord, ShipmentRecord, ThirdPartyAttempt } from '../shared/services/ports.ts';
import { documentClient } from '../shared/services/dynamo/document.ts';
import { LEDGER_PREFIX } from '../shared/services/dynamo/ledger.ts';
import { orderIdOfKey, scanTable as scan } from './recorded-ids.ts';

type Reservation = Awaited<ReturnType<InventoryRepo['reservation']>>;

/** What the invariant checks read after a level, from one pass over the service tables. */
export interface ScannedTables {
  statusOf(orderId: string): Promise<OrderStatus | undefined>;
  inventory: { reservation(orderId: string): Promise<Reservation>; stockOf(sku: string): Promise<number> };
  payments: { get(orderId: string): Promise<PaymentRecord | undefined> };
  shipments: { get(orderId: string): Promise<ShipmentRecord | undefined> };
  /** Every order id the tables hold (as recordedOrderIds reads them). */
  recordedIds: string[];
  /** Every call the bank and the carrier booked (as thirdPartyLedger reads them). */
  ledger: ThirdPartyAttempt[];
}

/**
 * The service tables read once each, in full, with consistent scans (1 MB pages):
 * the items the repositories' point reads return, kept in maps. Read order by order, they
 * took four sequential GetItems per order (8,000 calls after 2,000 orders), each call's
 * garbage growing the harness's heap after the orders had ended; at 500 orders that
 * phase took 22 s and 3.9 s of the harness's CPU, 10 s and 0.26 s by scan (bench/measurement-log.md, "a long run").
 */
export async function scanTables(clients: AwsClients, tables: TableNames): Promise<ScannedTables> {
  const doc = documentClient(clients.dynamodb);
  const status = new Map<string, OrderStatus>();
  const stock = new Map<string, number>();
  const reservations = new Map<string, NonNullable<Reservation>>();
  const payments = new Map<string, PaymentRecord>();
  const shipments = new Map<string, ShipmentRecord>();
  const recordedIds: string[] = [];
  const ledger: ThirdPartyAttempt[] = [];
  const seen = (role: TableRole, pk: string) => {
    const id = orderIdOfKey(role, pk);
    if (id) recordedIds.push(id);
  };
  await scan(doc, tables.orders, (pk, item) => {
    seen('orders', pk);
    if (item.status !== undefined) status.set(pk, item.status as OrderStatus);
  });
  await scan(doc, tables.inventory, (pk, item) => {
    seen('inventory', pk);
    if (pk.startsWith('SKU#')) stock.set(pk.slice(4), (item.stock as number | undefined) ?? 0);
    // As the repository's reservation() returns it: the whole item, key included.
    else if (pk.startsWith('RES#')) reservations.set(pk.slice(4), { pk, ...item } as unknown as NonNullable<Reservation>);
  });
  for (const [role, table, prefix, into] of [
    ['payments', tables.payments, 'PAY#', payments],
    ['shipments', tables.shipments, 'SHIP#', shipments],
  ] as const)
    await scan(doc, table, (pk, item) => {
      seen(role, pk);
      if (pk.startsWith(LEDGER_PREFIX)) ledger.push(item as ThirdPartyAttempt);
      else if (pk.startsWith(prefix)) (into as Map<string, unknown>).set(pk.slice(prefix.length), item);
    });
  // Only their ids are checked: the keys alone.
  await scan(doc, tables.notifications, (pk) => seen('notifications', pk), 'pk');
  return {
    statusOf: async (id) => status.get(id),
    inventory: { reservation: async (id) => reservations.get(id), stockOf: async (sku) => stock.get(sku) ?? 0 },
    payments: { get: async (id) => payments.get(id) },
    shipments: { get: async (id) => shipments.get(id) },
    recordedIds,
    ledger,
  };
}
