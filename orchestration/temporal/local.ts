import type { AwsClients } from '../../shared/aws/clients.ts';
import { provisionTables } from '../../shared/engines/provision.ts';
import { temporalTaskQueue } from '../../shared/topology/stacks.ts';
import type { TableNames } from '../../shared/topology/tables.ts';

export interface LocalTemporal {
  tables: TableNames;
  taskQueue: string;
}

/**
 * Temporal's local resources: the service tables on the local substrate and the
 * task queue name the worker polls. The dev server needs nothing created; the
 * benchmark, the scenario driver and `deploy --target local` all start from here.
 */
export async function provisionLocalTemporal(clients: AwsClients, prefix: string): Promise<LocalTemporal> {
  if (clients.target.kind !== 'local') throw new Error('the local Temporal variant keeps its tables on the local substrate');
  return { tables: await provisionTables(clients, prefix), taskQueue: temporalTaskQueue(prefix) };
}
