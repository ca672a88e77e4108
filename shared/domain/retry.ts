/**
 * One retry policy for transient errors, used by all three variants so their
 * latency under faults is comparable: Step Functions Retry (IntervalSeconds,
 * BackoffRate, MaxAttempts), Temporal RetryPolicy, and the choreography's
 * SQS redelivery delay are all derived from it.
 */
export const RETRY_POLICY = {
  /** Attempts in all, the first included. */
  maxAttempts: 3,
  /** ASL allows whole seconds only, so the shared unit is a second. */
  initialIntervalSeconds: 1,
  backoffRate: 2,
  maxIntervalSeconds: 8,
} as const;

/**
 * Retries an orchestrator adds for infrastructure failures only (a task or activity
 * that timed out because its worker was frozen or crashed, a throttle that outlasted
 * the worker's own retries), apart from the business attempts above: the services
 * give up on a transient bank or carrier error themselves at the last business
 * attempt (they record the decline rather than throw), so these never change an
 * outcome, they only let an order survive its infrastructure.
 */
export const INFRASTRUCTURE_RETRIES = 5;

/**
 * How long work a consumer took stays its own before the engine hands it out again, unless the
 * redelivery setting says otherwise (shared/topology/redelivery.ts reads it). Here, where the
 * Temporal workflow (which cannot read the environment) finds it too.
 */
export const DEFAULT_REDELIVERY_SECONDS = 30;

/** Delay before attempt `next` (2-based: the first retry is attempt 2). */
export function backoffSeconds(next: number, policy = RETRY_POLICY): number {
  const raw = policy.initialIntervalSeconds * policy.backoffRate ** Math.max(0, next - 2);
  return Math.min(policy.maxIntervalSeconds, raw);
}

/** After a transient failure on `attempt`, may the step be tried again? */
export const mayRetry = (attempt: number, policy = RETRY_POLICY): boolean => attempt < policy.maxAttempts;
