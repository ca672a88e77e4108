import type { AwsClients } from '../shared/aws/clients.ts';
import type { TableNames } from '../shared/topology/tables.ts';
import { documentClient } from '../shared/services/dynamo/document.ts';
import { DynamoInventoryRepo } from '../shared/services/dynamo/inventory.ts';
import { DynamoNotificationsRepo, DynamoPaymentsRepo, DynamoShipmentsRepo } from '../shared/services/dynamo/records.ts';
import { ClaimCheckStore } from '../shared/messaging/claim-check.ts';
import { EventStore } from './orders/event-store.ts';
import { OrdersService } from './orders/orders-service.ts';

/** Everything a choreography handler needs, built once per process (or per Lambda container). */
export interface ChoreographyDeps {
  clients: AwsClients;
  topicArn: string;
  inventory: DynamoInventoryRepo;
  payments: DynamoPaymentsRepo;
  shipments: DynamoShipmentsRepo;
  notifications: DynamoNotificationsRepo;
  claims: ClaimCheckStore;
  store: EventStore;
  orders: OrdersService;
}

export function choreographyDeps(clients: AwsClients, tables: TableNames, topicArn: string): ChoreographyDeps {
  const doc = documentClient(clients.dynamodb);
  const claims = new ClaimCheckStore(doc, tables.claimChecks);
  const store = new EventStore(doc, tables.orderEvents);
  return {
    clients,
    topicArn,
    inventory: new DynamoInventoryRepo(doc, tables.inventory),
    payments: new DynamoPaymentsRepo(doc, tables.payments),
    shipments: new DynamoShipmentsRepo(doc, tables.shipments),
    notifications: new DynamoNotificationsRepo(doc, tables.notifications),
    claims,
    store,
    orders: new OrdersService(store, claims, doc, tables.orders),
  };
}
