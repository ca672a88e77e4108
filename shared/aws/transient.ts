import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Transient infrastructure errors: a throttle, a 5xx, a timeout or a dropped
 * connection. They say nothing about the order, so the layer that made the call
 * retries them; none may become a business failure (a compensation, a decline).
 * The same families the AWS SDK retries on its own, for when its attempts run out.
 */
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'SlowDown',
]);
const TRANSIENT = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
// DynamoDB: a write that met a transaction in flight on the same item, or a transaction cancelled by
// one (or by a throttle) rather than by its own conditions. Tried again, it goes through.
const DYNAMO_CONFLICT = new Set(['TransactionConflictException', 'TransactionInProgressException']);
const CANCELLED_TRANSIENTLY = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);
const cancelledTransiently = (e: Error & { CancellationReasons?: { Code?: string }[] }) =>
  e.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => CANCELLED_TRANSIENTLY.has(r.Code ?? ''));

export function isTransientInfrastructureError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string };
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    !!e.$retryable ||
    THROTTLING.has(e.name) ||
    TRANSIENT.has(e.name) ||
    DYNAMO_CONFLICT.has(e.name) ||
    cancelledTransiently(e) ||
    NETWORK.has(e.code ?? '') ||
    status === 429 ||
    status >= 500
  );
}

/**
 * A transient infrastructure error that outlasted the retries of the layer that
 * met it. Its name is what the next layer up retries on: Step Functions' Retry
 * matches `InfrastructureError` (orchestration/stepfunctions/definition.ts).
 */
export class InfrastructureError extends Error {
  readonly underlying: Error;
  constructor(underlying: Error) {
    super(`${underlying.name}: ${underlying.message}`);
    this.underlying = underlying;
    this.name = 'InfrastructureError';
  }
}

/**
 * Runs `call` again while it fails with a transient infrastructure error, with
 * jittered exponential backoff, until `until` (epoch ms): the time the caller
 * still owns the work (a message's visibility, an activity's timeout, a task's
 * timeout). Any other error is thrown as it is; a transient one still failing at
 * `until` is thrown as an InfrastructureError. The work must be idempotent, as
 * every step of the saga is.
 */
export async function retryTransient<T>(call: () => Promise<T>, until: number, onRetry?: (err: Error, retry: number) => void): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await call();
    } catch (err) {
      if (!isTransientInfrastructureError(err)) throw err;
      const delay = Math.random() * Math.min(4000, 250 * 2 ** retry);
      if (Date.now() + delay >= until) throw new InfrastructureError(err as Error);
      onRetry?.(err as Error, retry);
      await sleep(delay);
    }
  }
}
