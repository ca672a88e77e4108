import type { OperationCount } from '../aws/metering.ts';
import type { TracePoint } from '../messaging/trace.ts';

/** When a unit of work became terminal, as close to the engine as the target can tell. */
export interface Completion {
  id: string;
  /** Terminal status as the system reports it (an order status, or 'DONE' for a floor chain). */
  status: string;
  /** Epoch ms at which the system reached the terminal state. */
  terminalAt: number;
  /** Why it ended so, where the engine says and the status is not an outcome (a failed execution's error). */
  detail?: string;
}

/**
 * What a submit may say about the system's accept: the AWS calls it made inside it,
 * in milliseconds by service (the choreography's orders API appends to its event
 * store before it answers), so the accept's own DynamoDB writes and publish are
 * attributed as the steps' are.
 */
export interface Accepted {
  io?: Record<string, number>;
}

/**
 * What the load loop drives: a variant with its orders, or a substrate floor
 * with its no-op chains. One loop for both, so a variant and its floor are
 * measured by the same clock and the same accounting.
 */
export interface LoadTarget<P = unknown> {
  /** Starts one unit; resolves once the system has accepted it. */
  submit(id: string, payload: P): Promise<void | Accepted>;
  /** Resolves when `id` is terminal (however long that takes); the loop applies its own deadline. */
  awaitTerminal(id: string): Promise<Completion>;
  /** What the target's own processes did, collected after stop: metered calls and trace points. */
  stop(): Promise<TargetReport>;
}

export interface TargetReport {
  metered: OperationCount[];
  traces: TracePoint[];
}
