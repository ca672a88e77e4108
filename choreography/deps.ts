import type { AwsClients } from '../shared/aws/clients.ts';
import type { TableNames } from '../shared/topology/tables.ts';
import type { DynamoInventoryRepo } from '../shared/services/dynamo/inventory.ts';
import type { DynamoNotificationsRepo, DynamoPaymentsRepo, DynamoShipmentsRepo } from '../shared/services/dynamo/records.ts';
import type { DynamoBank, DynamoCarrier } from '../shared/services/dynamo/ledger.ts';
import { serviceRepositories } from '../shared/services/repositories.ts';
import { ClaimCheckStore } from '../shared/messaging/claim-check.ts';
import { EventStore } from './orders/event-store.ts';
import { OrdersService } from './orders/orders-service.ts';
import { countPublisherInvocation, publishOnCommit, type PendingAcks } from './orders/publish-on-commit.ts';

/** Everything a choreography handler needs, built once per process (or per Lambda container). */
export interface ChoreographyDeps {
  clients: AwsClients;
  /** The SNS topic or EventBridge bus the services publish on (bus.ts). */
  busArn: string;
  inventory: DynamoInventoryRepo;
  payments: DynamoPaymentsRepo;
  shipments: DynamoShipmentsRepo;
  bank: DynamoBank;
  carrier: DynamoCarrier;
  notifications: DynamoNotificationsRepo;
  claims: ClaimCheckStore;
  store: EventStore;
  orders: OrdersService;
  /** With publishOnCommit: the published outbox items whose removal is batched; flush before stopping. */
  acks?: PendingAcks;
}

/**
 * `publishOnCommit`: the orders service's events go to the bus as soon as their append
 * commits, the outbox poller only recovering what that missed (the local
 * processes). Off where another publisher owns the outbox: on AWS the event
 * store's stream publishes every item, and publishing here too would send each twice.
 */
export function choreographyDeps(
  clients: AwsClients,
  tables: TableNames,
  busArn: string,
  opts: { publishOnCommit?: boolean } = {},
): ChoreographyDeps {
  const { doc, inventory, payments, shipments, notifications, bank, carrier } = serviceRepositories(clients.dynamodb, tables);
  const claims = new ClaimCheckStore(doc, tables.claimChecks);
  const store = new EventStore(doc, tables.orderEvents);
  const acks = opts.publishOnCommit ? publishOnCommit(store, clients, busArn, countPublisherInvocation(clients.meter)) : undefined;
  return {
    clients,
    busArn,
    inventory,
    payments,
    shipments,
    bank,
    carrier,
    notifications,
    claims,
    store,
    orders: new OrdersService(store, claims, doc, tables.orders),
    ...(acks ? { acks } : {}),
  };
}
