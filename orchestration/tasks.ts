import type { OrderDocument, ServiceName } from '../shared/domain/contracts.ts';
import type { OrderStatus } from '../shared/domain/order.ts';
import type { TraceSink } from '../shared/messaging/trace.ts';
import { roundTimes, timeCalls } from '../shared/aws/call-timing.ts';
import type { AwsClients } from '../shared/aws/clients.ts';
import type { TableNames } from '../shared/topology/tables.ts';
import { serviceRepositories, type ServiceRepositories } from '../shared/services/repositories.ts';
import { commitInventory, releaseInventory, reserveInventory } from '../shared/services/inventory.ts';
import { chargePayment, refundPayment } from '../shared/services/payments.ts';
import { blockShipment, createShipment } from '../shared/services/shipping.ts';
import { notifyCustomer } from '../shared/services/notifications.ts';
import { readCancelGate, recordOrderStatus } from '../shared/services/orders-status.ts';

/** One task call, whichever orchestrator makes it. */
export interface TaskCall {
  order: OrderDocument;
  /** 1-based attempt, as the simulated bank and carrier need it. */
  attempt: number;
  status?: OrderStatus;
  failure?: string | null;
}

/**
 * The saga's tasks, one per step and compensation plus the order-status
 * bookkeeping, each calling the SAME shared service function the
 * choreography's handlers call. Step Functions dispatches into this table
 * (callback worker locally, Lambda on AWS); Temporal registers it as its activities.
 */
export function taskTable(repos: ServiceRepositories) {
  return {
    recordStatus: (c: TaskCall) => recordOrderStatus(repos.orders, c.order.orderId, c.status ?? 'PENDING', c.failure ?? null),
    reserve: (c: TaskCall) => reserveInventory(repos.inventory, c.order.orderId, c.order.lines),
    release: (c: TaskCall) => releaseInventory(repos.inventory, c.order.orderId),
    commit: (c: TaskCall) => commitInventory(repos.inventory, c.order.orderId),
    charge: (c: TaskCall) =>
      chargePayment(repos.payments, repos.bank, {
        orderId: c.order.orderId,
        amountCents: c.order.totalCents,
        paymentToken: c.order.paymentToken,
        attempt: c.attempt,
      }),
    refund: (c: TaskCall) => refundPayment(repos.payments, repos.bank, c.order.orderId),
    cancelGate: (c: TaskCall) => readCancelGate(repos.orders, c.order.orderId),
    block: (c: TaskCall) => blockShipment(repos.shipments, c.order.orderId),
    ship: (c: TaskCall) =>
      createShipment(repos.shipments, repos.carrier, {
        orderId: c.order.orderId,
        address: c.order.shippingAddress,
        lines: c.order.lines,
        attempt: c.attempt,
      }),
    notify: (c: TaskCall) =>
      notifyCustomer(repos.notifications, { orderId: c.order.orderId, customerId: c.order.customerId, template: 'order-shipped' }),
  };
}
export type TaskTable = ReturnType<typeof taskTable>;
export type TaskName = keyof TaskTable;

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
} as const satisfies Record<TaskName, ServiceName>;

export const TASKS = Object.keys(TASK_SERVICE) as TaskName[];

/** The task table over the variant's own (metered) clients, each task traced when a sink is given. */
export function createTasks(clients: AwsClients, tables: TableNames, trace?: TraceSink): TaskTable {
  const table = taskTable(serviceRepositories(clients.dynamodb, tables));
  if (!trace) return table;
  const traced = {} as Record<TaskName, (c: TaskCall) => Promise<unknown>>;
  for (const name of TASKS) {
    const run = table[name] as (c: TaskCall) => Promise<unknown>;
    traced[name] = async (c) => {
      const start = Date.now();
      const { result, io } = await timeCalls(() => run(c));
      const service = TASK_SERVICE[name];
      trace.record({
        orderId: c.order.orderId,
        step: `${service}:${name}`,
        service,
        start,
        end: Date.now(),
        attempt: c.attempt,
        io: roundTimes(io),
      });
      return result;
    };
  }
  return traced as TaskTable;
}

/** A task by name, as Step Functions asks for one. */
export function createTaskRunner(clients: AwsClients, tables: TableNames, trace?: TraceSink) {
  const tasks = createTasks(clients, tables, trace);
  return (input: TaskCall & { task: TaskName }): Promise<unknown> => (tasks[input.task] as (c: TaskCall) => Promise<unknown>)(input);
}

/**
 * A customer cancel for an orchestrated order whose orchestrator cannot take a
 * signal (Step Functions): a flag the saga reads at its shipping gate.
 */
export async function requestCancel(clients: AwsClients, tables: TableNames, orderId: string): Promise<void> {
  await serviceRepositories(clients.dynamodb, tables).orders.requestCancel(orderId);
}
