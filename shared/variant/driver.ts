import type { OrderDocument } from '../domain/contracts.ts';
import type { TableNames } from '../topology/tables.ts';

/**
 * One way to drive any variant in the scenario tests, so one scenario table
 * and one workload run against all of them. Only coordination differs behind
 * it: the tables and the service functions are the same. Each variant's
 * implementation is test support (`<variant>/test/driver.ts`).
 */
export interface VariantDriver {
  name: string;
  tables: TableNames;
  /** Starts the saga for a validated order; a bad order is refused here, at the edge, before anything is written. */
  place(order: OrderDocument): Promise<void>;
  /** The same PlaceOrder again: 'refused' (rejected as a duplicate) or 'same' (idempotently the same run). */
  placeAgain(order: OrderDocument): Promise<'refused' | 'same'>;
  cancel(orderId: string): Promise<void>;
  /** A malformed message on the variant's own work queue, if it has one; resolves with the DLQ bodies. */
  injectPoison?(body: string): Promise<string[]>;
  stop(): Promise<void>;
}
