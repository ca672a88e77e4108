import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Hands over every awaited execution that ended, learned by describing each one the run started,
 * paced: at most `perSecond` calls a second in all, each execution once per `everyMs`, the longest
 * unasked first. For engines with no push of ends, where a listing would page through every
 * execution ever run (Step Functions on AWS, Lambda durable functions). `describe` is the
 * engine's call: it resolves with the end, or undefined while the execution runs. A failed call (a
 * throttle, the network) is tried again on a later round.
 */
export function watchPacedEnds<End>(opts: {
  describe: (arn: string, signal: AbortSignal) => Promise<End | undefined>;
  awaited: () => string[];
  arnOf: (id: string) => string | undefined;
  onEnded: (id: string, end: End) => void | Promise<void>;
  perSecond: number;
  everyMs: number;
}): { stop(): Promise<void> } {
  const halt = new AbortController();
  const lastAsked = new Map<string, number>();
  const done = new Set<string>();
  const gapMs = 1000 / opts.perSecond;
  const pause = () => sleep(gapMs, undefined, { signal: halt.signal }).catch(() => undefined);
  const loop = (async () => {
    while (!halt.signal.aborted) {
      const now = Date.now();
      const due = opts
        .awaited()
        .filter((id) => !done.has(id) && opts.arnOf(id) && now - (lastAsked.get(id) ?? 0) >= opts.everyMs)
        .sort((a, b) => (lastAsked.get(a) ?? 0) - (lastAsked.get(b) ?? 0));
      if (!due.length) {
        await pause();
        continue;
      }
      for (const id of due) {
        if (halt.signal.aborted) break;
        lastAsked.set(id, Date.now());
        const paced = pause();
        const end = await opts.describe(opts.arnOf(id)!, halt.signal).catch(() => undefined);
        if (end !== undefined) {
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
