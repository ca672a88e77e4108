import { setTimeout as sleep } from 'node:timers/promises';
import { ListExecutionsCommand, type ExecutionListItem, type SFNClient } from '@aws-sdk/client-sfn';

/** One interval for the variant and its floor, so both load the engine alike. */
export const POLL_MS = 150;

/**
 * One poll loop for every execution a target waits for: each round lists the
 * state machine's executions and hands over those that stopped and are still
 * awaited. `stop` aborts a round in flight rather than waiting it out.
 */
export function watchEndedExecutions(
  sfn: SFNClient,
  stateMachineArn: string,
  opts: { awaited: () => string[]; onEnded: (e: ExecutionListItem & { name: string; stopDate: Date }) => void | Promise<void> },
): { stop(): Promise<void> } {
  const halt = new AbortController();
  const loop = (async () => {
    while (!halt.signal.aborted) {
      await sleep(POLL_MS, undefined, { signal: halt.signal }).catch(() => undefined);
      const awaited = new Set(opts.awaited());
      if (!awaited.size || halt.signal.aborted) continue;
      let nextToken: string | undefined;
      do {
        const page = await sfn
          .send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }), {
            abortSignal: halt.signal,
          })
          .catch(() => ({ executions: [], nextToken: undefined }));
        for (const e of page.executions ?? [])
          if (e.status !== 'RUNNING' && e.stopDate && e.name && awaited.has(e.name))
            await opts.onEnded(e as ExecutionListItem & { name: string; stopDate: Date });
        nextToken = page.nextToken;
      } while (nextToken && !halt.signal.aborted);
    }
  })();
  return {
    async stop() {
      halt.abort();
      await loop;
    },
  };
}
