import { setTimeout as sleep } from 'node:timers/promises';
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
 * executions the run started (their ARNs), paced: at most DESCRIBE_PER_SECOND calls a second in
 * all, each execution once per DESCRIBE_EVERY_MS, the longest unasked first. No push of ends
 * exists, and ListDurableExecutionsByFunction would page through every execution the function
 * ever ran. A failed call (a throttle, the network) is tried again on a later round. `describe` is
 * the SDK call (aws-target.ts); the end is read from its answer by `endOf` (history.ts).
 */
export function watchDescribedExecutions(opts: {
  describe: (arn: string, signal: AbortSignal) => Promise<ExecutionDescription>;
  awaited: () => string[];
  arnOf: (id: string) => string | undefined;
  onEnded: (id: string, end: NonNullable<ReturnType<typeof endOf>>) => void | Promise<void>;
  perSecond?: number;
  everyMs?: number;
}): { stop(): Promise<void> } {
  const perSecond = opts.perSecond ?? DESCRIBE_PER_SECOND;
  const everyMs = opts.everyMs ?? DESCRIBE_EVERY_MS;
  const halt = new AbortController();
  const lastAsked = new Map<string, number>();
  const done = new Set<string>();
  const gapMs = 1000 / perSecond;
  const loop = (async () => {
    while (!halt.signal.aborted) {
      const now = Date.now();
      const due = opts
        .awaited()
        .filter((id) => !done.has(id) && opts.arnOf(id) && now - (lastAsked.get(id) ?? 0) >= everyMs)
        .sort((a, b) => (lastAsked.get(a) ?? 0) - (lastAsked.get(b) ?? 0));
      if (!due.length) {
        await sleep(gapMs, undefined, { signal: halt.signal }).catch(() => undefined);
        continue;
      }
      for (const id of due) {
        if (halt.signal.aborted) break;
        lastAsked.set(id, Date.now());
        const paced = sleep(gapMs, undefined, { signal: halt.signal }).catch(() => undefined);
        const d = await opts.describe(opts.arnOf(id)!, halt.signal).catch(() => undefined);
        const end = d && endOf(d);
        if (end) {
          done.add(id);
          await opts.onEnded(id, end);
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
