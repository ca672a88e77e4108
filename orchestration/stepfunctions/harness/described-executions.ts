import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { EndedExecution } from './ended-executions.ts';

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
 * Hands over every awaited execution that stopped, from DescribeExecution of the executions
 * the run started (their ARNs), paced: at most DESCRIBE_PER_SECOND calls a second in all and
 * each execution once per DESCRIBE_EVERY_MS. On AWS there is no push of ended executions, and
 * ListExecutions would page through every execution the state machine ever ran. A failed call
 * (a throttle, the network) is tried again on the next round. STANDARD executions only:
 * EXPRESS ones cannot be described (the caller refuses them first).
 */
export function watchDescribedExecutions(
  sfn: SFNClient,
  opts: { awaited: () => string[]; arnOf: (name: string) => string | undefined; onEnded: (e: EndedExecution) => void | Promise<void> },
): { stop(): Promise<void> } {
  const halt = new AbortController();
  const lastAsked = new Map<string, number>();
  const done = new Set<string>();
  const gapMs = 1000 / DESCRIBE_PER_SECOND;
  const loop = (async () => {
    while (!halt.signal.aborted) {
      const now = Date.now();
      const due = opts
        .awaited()
        .filter((n) => !done.has(n) && opts.arnOf(n) && now - (lastAsked.get(n) ?? 0) >= DESCRIBE_EVERY_MS)
        .sort((a, b) => (lastAsked.get(a) ?? 0) - (lastAsked.get(b) ?? 0));
      if (!due.length) {
        await sleep(gapMs, undefined, { signal: halt.signal }).catch(() => undefined);
        continue;
      }
      for (const name of due) {
        if (halt.signal.aborted) break;
        lastAsked.set(name, Date.now());
        const paced = sleep(gapMs, undefined, { signal: halt.signal }).catch(() => undefined);
        const e = await sfn
          .send(new DescribeExecutionCommand({ executionArn: opts.arnOf(name)! }), { abortSignal: halt.signal })
          .catch(() => undefined);
        if (e && e.status !== 'RUNNING' && e.status !== 'PENDING_REDRIVE' && e.stopDate && e.name) {
          done.add(name);
          await opts.onEnded({ ...e, name: e.name, stopDate: e.stopDate } as EndedExecution);
        }
        await paced;
      }
    }
  })();
  return {
    async stop() {
      halt.abort();
      await loop;
    },
  };
}
