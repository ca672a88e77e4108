import { z } from 'zod';

/**
 * The single description of every table. The local provisioning and the CDK
 * data stack both build from it; names carry a prefix so variants and test runs
 * can live side by side in one account or one emulator.
 */
export const TABLE_ROLES = ['orders', 'orderEvents', 'claimChecks', 'inventory', 'payments', 'shipments', 'notifications'] as const;
export type TableRole = (typeof TABLE_ROLES)[number];

export interface TableSpec {
  role: TableRole;
  name: string;
  partitionKey: 'pk';
  /** Only the event store has one: the per-order sequence number. */
  sortKey?: { name: 'seq'; type: 'N' };
  owner: 'orders' | 'inventory' | 'payments' | 'shipping' | 'notifications';
}

const OWNER: Record<TableRole, TableSpec['owner']> = {
  orders: 'orders',
  orderEvents: 'orders',
  claimChecks: 'orders',
  inventory: 'inventory',
  payments: 'payments',
  shipments: 'shipping',
  notifications: 'notifications',
};

export function tableSpecs(prefix: string): TableSpec[] {
  return TABLE_ROLES.map((role) => ({
    role,
    name: `${prefix}-${role}`,
    partitionKey: 'pk' as const,
    ...(role === 'orderEvents' ? { sortKey: { name: 'seq' as const, type: 'N' as const } } : {}),
    owner: OWNER[role],
  }));
}

export type TableNames = Record<TableRole, string>;

export function tableNames(prefix: string): TableNames {
  return Object.fromEntries(tableSpecs(prefix).map((t) => [t.role, t.name])) as TableNames;
}

/** Validates table names read back from a config file (a variant's or a worker's). */
export const tableNamesSchema = z
  .object(Object.fromEntries(TABLE_ROLES.map((r) => [r, z.string().min(1)])) as Record<TableRole, z.ZodString>)
  .strict();
