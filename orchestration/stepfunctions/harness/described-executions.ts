import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { EndedExecution } from './ended-executions.ts';
import { watchPacedEnds } from '../../../shared/variant/paced-ends.ts';

/**
 * DescribeExecution's quota is a token bucket per account and Region (Step Functions' service
 * quotas page gives its size and refill rate, lower outside the largest Regions): 8 a second is
 * meant to stay under it, so the run does not throttle the account's other callers (not checked
 * against a real account), and the end of an order is learned within about a second.
 */
export const DESCRIBE_PER_SECOND = 8;
/** No execution is described more often than this: one that is running is not asked again at once. */
export const DESCRIBE_EVERY_MS = 1000;

/**
 * Hands over every awaited execution that stopped, from DescribeExecution of the executions the
 * run started (their ARNs), paced as above (shared/variant/paced-ends.ts). On AWS there is no push
 * of ended executions, and ListExecutions would page through every execution the state machine
 * ever ran. STANDARD executions only: EXPRESS ones cannot be described (the caller refuses them first).
 */
export function watchDescribedExecutions(
  sfn: SFNClient,
  opts: { awaited: () => string[]; arnOf: (name: string) => string | undefined; onEnded: (e: EndedExecution) => void | Promise<void> },
): { stop(): Promise<void> } {
  return watchPacedEnds({
    describe: async (arn, signal) => {
      const e = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }), { abortSignal: signal });
      if (e.status === 'RUNNING' || e.status === 'PENDING_REDRIVE' || !e.stopDate || !e.name) return undefined;
      return { ...e, name: e.name, stopDate: e.stopDate } as EndedExecution;
    },
    awaited: opts.awaited,
    arnOf: opts.arnOf,
    onEnded: (_name, e) => opts.onEnded(e),
    perSecond: DESCRIBE_PER_SECOND,
    everyMs: DESCRIBE_EVERY_MS,
  });
}
