import type { ServiceName } from '../domain/contracts.ts';
import type { TableRole } from './tables.ts';

/**
 * Which tables each deployed unit touches, and how. The CDK stacks grant
 * exactly this (and nothing else) to each function's or task's role, so a
 * service that starts touching another service's table fails with
 * AccessDenied on AWS instead of silently coupling the two. Keep it in step
 * with the code: `read` is GetItem/Query, `write` adds PutItem, UpdateItem,
 * DeleteItem and ConditionCheckItem (what TransactWriteItems checks per item).
 */
export interface TableAccess {
  read: readonly TableRole[];
  write: readonly TableRole[];
}

export const DYNAMODB_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'] as const;
export const DYNAMODB_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * The choreography's functions: one per service (its queue is its only input),
 * plus the outbox publisher fed by the event store's stream. Every consumer
 * except orders reads the order document from the claim-check table.
 */
export const CHOREOGRAPHY_ACCESS: Partial<Record<ServiceName | 'publisher', TableAccess & { publishes: boolean }>> = {
  // Orders appends to its event store (the publisher publishes), keeps the projection, reads claim checks.
  orders: { read: ['claimChecks'], write: ['orderEvents', 'orders'], publishes: false },
  inventory: { read: ['claimChecks'], write: ['inventory'], publishes: true },
  payments: { read: ['claimChecks'], write: ['payments'], publishes: true },
  shipping: { read: ['claimChecks'], write: ['shipments'], publishes: true },
  notifications: { read: ['claimChecks'], write: ['notifications'], publishes: true },
  // Deletes an outbox item once SNS accepted its event.
  publisher: { read: [], write: ['orderEvents'], publishes: true },
};

/**
 * The Step Functions task functions, one per owning service (TASK_SERVICE).
 * The cancel gate belongs to shipping but reads the cancel flag in the orders table.
 */
export const STEPFUNCTIONS_TASK_ACCESS: Partial<Record<ServiceName, TableAccess>> = {
  orders: { read: [], write: ['orders'] },
  inventory: { read: [], write: ['inventory'] },
  payments: { read: [], write: ['payments'] },
  shipping: { read: ['orders'], write: ['shipments'] },
  notifications: { read: [], write: ['notifications'] },
};

/** One Temporal worker process runs every activity, so it needs every table the activities use. */
export const TEMPORAL_WORKER_ACCESS: TableAccess = {
  read: [],
  write: ['orders', 'inventory', 'payments', 'shipments', 'notifications'],
};

/** The declared access of `unit`, or an error that says where to declare it. */
export function accessOf<K extends string, A extends TableAccess>(map: Partial<Record<K, A>>, unit: K, what: string): A {
  const access = map[unit];
  if (!access) throw new Error(`${what} '${unit}' has no table access declared in shared/topology/access.ts`);
  return access;
}
