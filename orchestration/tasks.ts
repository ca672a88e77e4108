import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderDocument, ServiceName } from '../shared/domain/contracts.ts';
import type { TraceSink } from '../shared/messaging/trace.ts';
import type { OrderStatus } from '../shared/domain/order.ts';
import type { AwsClients } from '../shared/aws/clients.ts';
import type { TableNames } from '../shared/topology/tables.ts';
import { documentClient } from '../shared/services/dynamo/document.ts';
import { DynamoInventoryRepo } from '../shared/services/dynamo/inventory.ts';
import { DynamoNotificationsRepo, DynamoPaymentsRepo, DynamoShipmentsRepo } from '../shared/services/dynamo/records.ts';
import { commitInventory, releaseInventory, reserveInventory } from '../shared/services/inventory.ts';
import { chargePayment, refundPayment } from '../shared/services/payments.ts';
import { blockShipment, createShipment } from '../shared/services/shipping.ts';
import { notifyCustomer } from '../shared/services/notifications.ts';

/** Which service owns each task, so an orchestrator's trace points name the same services as the choreography's. */
export const TASK_SERVICE = {
  recordStatus: 'orders',
  reserve: 'inventory',
  release: 'inventory',
  commit: 'inventory',
  charge: 'payments',
  refund: 'payments',
  cancelGate: 'shipping',
  block: 'shipping',
  ship: 'shipping',
  notify: 'notifications',
} as const satisfies Record<string, ServiceName>;

/** The saga's task names: one per step and compensation, plus the order-status bookkeeping. */
export const TASKS = ['recordStatus', 'reserve', 'release', 'commit', 'charge', 'refund', 'cancelGate', 'block', 'ship', 'notify'] as const;
export type TaskName = (typeof TASKS)[number];

export interface TaskInput {
  task: TaskName;
  order: OrderDocument;
  /** 1-based attempt, as the simulated bank and carrier need it. */
  attempt: number;
  status?: OrderStatus;
  failure?: string | null;
}

/**
 * The orchestrators' task dispatcher: each task calls the SAME shared service
 * function the choreography's handlers call. Step Functions reaches it through a
 * callback worker locally and a Lambda on AWS.
 */
export function createTaskRunner(clients: AwsClients, tables: TableNames, trace?: TraceSink) {
  const run = taskDispatcher(clients, tables);
  if (!trace) return run;
  return async function tracedTask(input: TaskInput): Promise<unknown> {
    const start = Date.now();
    const out = await run(input);
    trace.record({ orderId: input.order.orderId, step: `${TASK_SERVICE[input.task]}:${input.task}`, service: TASK_SERVICE[input.task], start, end: Date.now(), attempt: input.attempt });
    return out;
  };
}

function taskDispatcher(clients: AwsClients, tables: TableNames) {
  const doc = documentClient(clients.dynamodb);
  const inventory = new DynamoInventoryRepo(doc, tables.inventory);
  const payments = new DynamoPaymentsRepo(doc, tables.payments);
  const shipments = new DynamoShipmentsRepo(doc, tables.shipments);
  const notifications = new DynamoNotificationsRepo(doc, tables.notifications);
  return async function runTask(input: TaskInput): Promise<unknown> {
    const { order, attempt } = input;
    const orderId = order.orderId;
    switch (input.task) {
      case 'recordStatus':
        await doc.send(
          new UpdateCommand({
            TableName: tables.orders,
            Key: { pk: orderId },
            UpdateExpression: 'SET orderId = :id, #s = :s, failure = :f',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':id': orderId, ':s': input.status ?? 'PENDING', ':f': input.failure ?? null },
          }),
        );
        return { status: input.status };
      case 'reserve':
        return reserveInventory(inventory, orderId, order.lines);
      case 'release':
        return releaseInventory(inventory, orderId);
      case 'commit':
        return commitInventory(inventory, orderId);
      case 'charge':
        return chargePayment(payments, { orderId, amountCents: order.totalCents, paymentToken: order.paymentToken, attempt });
      case 'refund':
        return refundPayment(payments, orderId);
      case 'cancelGate': {
        const r = await doc.send(new GetCommand({ TableName: tables.orders, Key: { pk: orderId }, ConsistentRead: true }));
        return { cancelRequested: r.Item?.cancelRequested === true };
      }
      case 'block':
        return blockShipment(shipments, orderId);
      case 'ship':
        return createShipment(shipments, { orderId, address: order.shippingAddress, attempt });
      case 'notify':
        return notifyCustomer(notifications, { orderId, customerId: order.customerId, template: 'order-shipped' });
    }
  };
}

/**
 * A customer cancel for an orchestrated order whose orchestrator cannot take a
 * signal (Step Functions): a flag the saga reads at its shipping gate.
 */
export async function requestCancel(clients: AwsClients, tables: TableNames, orderId: string): Promise<void> {
  const doc = documentClient(clients.dynamodb);
  await doc.send(
    new UpdateCommand({
      TableName: tables.orders,
      Key: { pk: orderId },
      UpdateExpression: 'SET cancelRequested = :t',
      ExpressionAttributeValues: { ':t': true },
    }),
  );
}
