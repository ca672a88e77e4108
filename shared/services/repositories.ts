import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../topology/tables.ts';
import { documentClient } from './dynamo/document.ts';
import { DynamoInventoryRepo } from './dynamo/inventory.ts';
import { DynamoOrdersStatusRepo } from './dynamo/orders-status.ts';
import { DynamoNotificationsRepo, DynamoPaymentsRepo, DynamoShipmentsRepo } from './dynamo/records.ts';
import { DynamoBank, DynamoCarrier } from './dynamo/ledger.ts';

export interface ServiceRepositories {
  /** The document client the repositories share, for a caller's own tables (the event store, claim checks). */
  doc: DynamoDBDocumentClient;
  inventory: DynamoInventoryRepo;
  payments: DynamoPaymentsRepo;
  shipments: DynamoShipmentsRepo;
  notifications: DynamoNotificationsRepo;
  orders: DynamoOrdersStatusRepo;
  /** The simulated third parties, each booking every call in its ledger (off the variant's bill). */
  bank: DynamoBank;
  carrier: DynamoCarrier;
}

/** Every service's repository over one (metered) DynamoDB client: what every variant and the harness's reader build on. */
export function serviceRepositories(dynamodb: DynamoDBClient, tables: TableNames): ServiceRepositories {
  const doc = documentClient(dynamodb);
  return {
    doc,
    inventory: new DynamoInventoryRepo(doc, tables.inventory),
    payments: new DynamoPaymentsRepo(doc, tables.payments),
    shipments: new DynamoShipmentsRepo(doc, tables.shipments),
    notifications: new DynamoNotificationsRepo(doc, tables.notifications),
    orders: new DynamoOrdersStatusRepo(doc, tables.orders),
    bank: new DynamoBank(doc, tables.payments),
    carrier: new DynamoCarrier(doc, tables.shipments),
  };
}
