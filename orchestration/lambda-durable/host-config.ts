import { z } from 'zod';
import { endpointsSchema } from '../../shared/aws/clients.ts';
import { tableNamesSchema } from '../../shared/topology/tables.ts';
import type { ExecutionUsage } from './history.ts';

/**
 * What the local function host runs: the saga over the services' tables (its meter
 * and trace files go into `dir`), or the floor's chain of `hops` no-op steps.
 */
export const hostConfigSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('saga'), endpoints: endpointsSchema, tables: tableNamesSchema, dir: z.string() }).strict(),
  z.object({ mode: z.literal('floor'), hops: z.number().int().positive() }).strict(),
]);
export type HostConfig = z.infer<typeof hostConfigSchema>;

/**
 * One execution's end, as the host reports it: the saga's status (from its history, history.ts: `EXECUTION_<status>`
 * when it failed, timed out or was stopped), or `EXECUTION_<error>` when the runner threw.
 */
export interface HostDone {
  done: string;
  status: string;
  terminalAt: number;
  /** Why an execution that is not an order outcome ended so: its error, or what the runner threw. */
  detail?: string;
  usage?: ExecutionUsage;
}
