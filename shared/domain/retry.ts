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

/** Delay before attempt `next` (2-based: the first retry is attempt 2). */
export function backoffSeconds(next: number, policy = RETRY_POLICY): number {
  const raw = policy.initialIntervalSeconds * policy.backoffRate ** Math.max(0, next - 2);
  return Math.min(policy.maxIntervalSeconds, raw);
}

/** After a transient failure on `attempt`, may the step be tried again? */
export const mayRetry = (attempt: number, policy = RETRY_POLICY): boolean => attempt < policy.maxAttempts;
