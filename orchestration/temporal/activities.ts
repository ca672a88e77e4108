import { Context } from '@temporalio/activity';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderLine, OrderStatus } from '../../shared/domain/order.ts';
import type { AwsClients } from '../../shared/aws/clients.ts';
import type { TableNames } from '../../shared/topology/tables.ts';
import { documentClient } from '../../shared/services/dynamo/document.ts';
import { DynamoInventoryRepo } from '../../shared/services/dynamo/inventory.ts';
import { DynamoNotificationsRepo, DynamoPaymentsRepo, DynamoShipmentsRepo } from '../../shared/services/dynamo/records.ts';
import { commitInventory, releaseInventory, reserveInventory } from '../../shared/services/inventory.ts';
import { chargePayment, refundPayment } from '../../shared/services/payments.ts';
import { blockShipment, createShipment } from '../../shared/services/shipping.ts';
import { notifyCustomer } from '../../shared/services/notifications.ts';
import type { TraceSink } from '../../shared/messaging/trace.ts';
import { retryTransient } from '../../shared/aws/transient.ts';
import { TASK_SERVICE } from '../tasks.ts';

/**
 * The saga's activities: each one calls the SAME shared service function the
 * choreography's handlers call. Temporal's attempt number is the attempt the
 * simulated bank and carrier see, exactly as SQS's receive count is there.
 */
export function createActivities(clients: AwsClients, tables: TableNames, trace?: TraceSink) {
  const doc = documentClient(clients.dynamodb);
  const inventory = new DynamoInventoryRepo(doc, tables.inventory);
  const payments = new DynamoPaymentsRepo(doc, tables.payments);
  const shipments = new DynamoShipmentsRepo(doc, tables.shipments);
  const notifications = new DynamoNotificationsRepo(doc, tables.notifications);
  const attempt = () => Context.current().info.attempt;
  const activities = {
    reserve: (orderId: string, lines: OrderLine[]) => reserveInventory(inventory, orderId, lines),
    release: (orderId: string) => releaseInventory(inventory, orderId),
    commit: (orderId: string) => commitInventory(inventory, orderId),
    charge: (orderId: string, amountCents: number, paymentToken: string) =>
      chargePayment(payments, { orderId, amountCents, paymentToken, attempt: attempt() }),
    refund: (orderId: string) => refundPayment(payments, orderId),
    ship: (orderId: string, address: string) => createShipment(shipments, { orderId, address, attempt: attempt() }),
    block: (orderId: string) => blockShipment(shipments, orderId),
    notify: (orderId: string, customerId: string) => notifyCustomer(notifications, { orderId, customerId, template: 'order-shipped' }),
    /** The orders table holds each order's status in every variant, so tables compare one to one. */
    recordStatus: async (orderId: string, status: OrderStatus, failure: string | null) => {
      await doc.send(new PutCommand({ TableName: tables.orders, Item: { pk: orderId, orderId, status, ...(failure ? { failure } : {}) } }));
    },
  };
  const retried = retryingInfrastructure(activities);
  return trace ? traced(retried, trace) : retried;
}

/**
 * A throttle or 5xx that outlasts the SDK's attempts is retried inside the
 * activity, while its start-to-close timeout allows: failing the attempt would
 * spend one of the shared retry policy's three attempts, and on the last one turn
 * an infrastructure error into the order's failure.
 */
function retryingInfrastructure<T extends object>(activities: T): T {
  const out = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(activities) as [string, (orderId: string, ...rest: unknown[]) => Promise<unknown>][]) {
    out[name] = (orderId: string, ...rest: unknown[]) => {
      const info = Context.current().info;
      return retryTransient(() => fn(orderId, ...rest), Date.now() + info.startToCloseTimeoutMs - 5000, (err, n) =>
        console.error(`temporal worker: ${orderId} ${name} attempt ${info.attempt}: ${err.name}: ${err.message}, retry ${n}`),
      );
    };
  }
  return out as T;
}

/** Every activity takes the order id first; that and the task's owning service make its trace point. */
function traced<T extends object>(activities: T, trace: TraceSink): T {
  const out = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(activities) as [keyof typeof TASK_SERVICE, (orderId: string, ...rest: unknown[]) => Promise<unknown>][]) {
    out[name] = async (orderId: string, ...rest: unknown[]) => {
      const start = Date.now();
      const result = await fn(orderId, ...rest);
      const service = TASK_SERVICE[name];
      trace.record({ orderId, step: `${service}:${name}`, service, start, end: Date.now(), attempt: Context.current().info.attempt });
      return result;
    };
  }
  return out as T;
}

export type SagaActivities = ReturnType<typeof createActivities>;
