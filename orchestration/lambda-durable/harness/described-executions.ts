import { watchPacedEnds } from '../../../shared/variant/paced-ends.ts';
import { endOf, type ExecutionDescription } from '../history.ts';

/**
 * At most this many GetDurableExecution calls a second in all, as the Step Functions drive paces
 * DescribeExecution: Lambda's quotas page read here names no figure for the durable execution APIs,
 * so the same modest rate is kept (not checked against a real account), and an end is learned within
 * about a second.
 */
export const DESCRIBE_PER_SECOND = 8;
/** No execution is described more often than this: one that is running is not asked again at once. */
export const DESCRIBE_EVERY_MS = 1000;

/**
 * Hands over every awaited order whose durable execution ended, from GetDurableExecution of the
 * executions the run started (their ARNs), paced as above (shared/variant/paced-ends.ts). No push
 * of ends exists, and ListDurableExecutionsByFunction would page through every execution the
 * function ever ran. `describe` is the SDK call (aws-target.ts); the end is read from its answer by
 * `endOf` (history.ts).
 */
export function watchDescribedExecutions(opts: {
  describe: (arn: string, signal: AbortSignal) => Promise<ExecutionDescription>;
  awaited: () => string[];
  arnOf: (id: string) => string | undefined;
  onEnded: (id: string, end: NonNullable<ReturnType<typeof endOf>>) => void | Promise<void>;
  perSecond?: number;
  everyMs?: number;
}): { stop(): Promise<void> } {
  return watchPacedEnds({
    describe: async (arn, signal) => endOf(await opts.describe(arn, signal)),
    awaited: opts.awaited,
    arnOf: opts.arnOf,
    onEnded: opts.onEnded,
    perSecond: opts.perSecond ?? DESCRIBE_PER_SECOND,
    everyMs: opts.everyMs ?? DESCRIBE_EVERY_MS,
  });
}
