import type { Event, GetDurableExecutionResponse } from '@aws-sdk/client-lambda';
import { isTerminal, ORDER_STATUSES, type OrderStatus } from '../../shared/domain/order.ts';

/** What one execution cost in AWS's billing units, read from its history. */
export interface ExecutionUsage {
  /** Durable operations as AWS bills them: one per step attempt (a retry is another). */
  operations: number;
  /** Step attempts that came after a retry delay: each suspends the function and invokes it again on AWS. */
  retries: number;
  /** What the execution checkpointed: its input and every step's result. */
  dataWrittenBytes: number;
  /** Operations the history names (each step once, however many attempts): a cross-check of `operations`. */
  checkpointed: number;
  /** Payloads the history holds cut short (a size limit): `dataWrittenBytes` is then a lower bound. */
  truncatedPayloads: number;
}

const bytes = (s: string | undefined) => (s === undefined ? 0 : Buffer.byteLength(s));

/**
 * One execution's usage from its history events, in the shape GetDurableExecutionHistory
 * returns them and the testing SDK's checkpoint server records them locally: the same
 * derivation for a local run and an AWS one, so the cost model gets the same counts from both.
 * An attempt is a step's end (StepSucceeded, or StepFailed whether retried or not); the data
 * written is the execution's input and each step's checkpointed result.
 */
export function usageOfHistory(events: readonly Event[]): ExecutionUsage {
  const attempts = new Map<string, number>();
  const operations = new Set<string>();
  let dataWrittenBytes = 0;
  let truncatedPayloads = 0;
  for (const e of events) {
    if (e.EventType === 'ExecutionStarted') {
      const input = e.ExecutionStartedDetails?.Input;
      dataWrittenBytes += bytes(input?.Payload);
      if (input?.Truncated) truncatedPayloads++;
      continue;
    }
    if (e.Id && !e.EventType?.startsWith('Execution') && e.EventType !== 'InvocationCompleted') operations.add(e.Id);
    if (e.EventType === 'StepSucceeded' || e.EventType === 'StepFailed') {
      const id = e.Id ?? `#${e.EventId}`;
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
    }
    if (e.EventType === 'StepSucceeded') {
      const result = e.StepSucceededDetails?.Result;
      dataWrittenBytes += bytes(result?.Payload);
      if (result?.Truncated) truncatedPayloads++;
    }
  }
  const counts = [...attempts.values()];
  return {
    operations: counts.reduce((a, n) => a + n, 0),
    retries: counts.reduce((a, n) => a + n - 1, 0),
    dataWrittenBytes,
    checkpointed: operations.size,
    truncatedPayloads,
  };
}

/** What GetDurableExecution says of an execution, as far as its end goes. */
export type ExecutionDescription = Pick<GetDurableExecutionResponse, 'Status' | 'Result' | 'EndTimestamp' | 'Error'>;

const ENDS: Readonly<Record<string, NonNullable<ExecutionDescription['Status']>>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionStopped: 'STOPPED',
};

/**
 * The execution as GetDurableExecution would describe it, from its history: the local runner
 * has no GetDurableExecution, but its checkpoint server records the same end event, so the
 * local path learns an end from the same fields the AWS path reads.
 */
export function describedByHistory(events: readonly Event[]): ExecutionDescription {
  const end = events.find((e) => e.EventType !== undefined && e.EventType in ENDS);
  if (!end) return { Status: 'RUNNING' };
  const error = (end.ExecutionFailedDetails ?? end.ExecutionTimedOutDetails ?? end.ExecutionStoppedDetails)?.Error?.Payload;
  return {
    Status: ENDS[end.EventType!],
    EndTimestamp: end.EventTimestamp,
    ...(end.ExecutionSucceededDetails?.Result?.Payload !== undefined ? { Result: end.ExecutionSucceededDetails.Result.Payload } : {}),
    ...(error ? { Error: error } : {}),
  };
}

/**
 * An order's end from its execution's description: undefined while it runs. A saga that
 * returned gives its order's status (what its last recordStatus wrote, in the result), or
 * undefined status when the result is not there to read (the caller reads the orders table);
 * an execution that failed, timed out or was stopped is `EXECUTION_<status>`. The terminal
 * time is the execution's own end timestamp, not when the harness asked.
 */
export function endOf(d: ExecutionDescription): { status: string | undefined; terminalAt: number; detail?: string } | undefined {
  if (!d.Status || d.Status === 'RUNNING' || !d.EndTimestamp) return undefined;
  const terminalAt = new Date(d.EndTimestamp).getTime();
  if (d.Status !== 'SUCCEEDED') {
    const detail = [d.Error?.ErrorType, d.Error?.ErrorMessage].filter(Boolean).join(': ');
    return { status: `EXECUTION_${d.Status}`, terminalAt, ...(detail ? { detail } : {}) };
  }
  return { status: sagaStatusIn(d.Result), terminalAt };
}

/** The order status in the saga's result ({orderId, status, failure?}), when it is one a saga ends with. */
function sagaStatusIn(result: string | undefined): OrderStatus | undefined {
  if (!result) return undefined;
  try {
    const status = (JSON.parse(result) as { status?: unknown } | null)?.status;
    return (ORDER_STATUSES as readonly unknown[]).includes(status) && isTerminal(status as OrderStatus)
      ? (status as OrderStatus)
      : undefined;
  } catch {
    return undefined;
  }
}
