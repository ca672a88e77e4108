import { setTimeout as sleep } from 'node:timers/promises';
import { ListExecutionsCommand, type ExecutionListItem, type SFNClient } from '@aws-sdk/client-sfn';
import { endedExecutionsPush } from './ended-push.ts';

/** One interval for the variant and its floor when they must poll, so both load the engine alike. */
export const POLL_MS = 150;

/**
 * While pushed ends arrive, a full listing catches anything the push did not bring: at most this
 * often, and only once an execution has been awaited this long. A listing carries every execution of
 * the state machine (65 at the end of a default level, 2,000 in a long run), and listed every 10 s
 * whether or not anything was overdue it was a steady cost on the harness's CPU while the push had
 * already brought every end.
 */
export const RECONCILE_MS = 10_000;

/** `output` only where the launcher pushed it (a listing has none). */
export type EndedExecution = ExecutionListItem & { name: string; stopDate: Date; output?: string };

/**
 * Hands over every execution of the state machine that stopped and is still
 * awaited. Locally the project's moto launcher pushes each end as it happens
 * (ended-push.ts): no listing of every execution on the process under test, and
 * the end is seen at once rather than up to a poll interval later. Where that
 * is not served (plain moto), one ListExecutions loop polls for every awaited
 * execution. `stop` aborts a round in flight rather than waiting it out.
 */
export function watchEndedExecutions(
  sfn: SFNClient,
  stateMachineArn: string,
  opts: {
    awaited: () => string[];
    onEnded: (e: EndedExecution) => void | Promise<void>;
    pushEndpoint?: string;
    /** RECONCILE_MS, shorter in a test. */
    reconcileMs?: number;
  },
): { stop(): Promise<void> } {
  const halt = new AbortController();
  const reconcileMs = opts.reconcileMs ?? RECONCILE_MS;
  const seen = new Set<string>();
  const handOver = async (e: EndedExecution) => {
    if (seen.has(e.name)) return;
    seen.add(e.name);
    await opts.onEnded(e);
  };
  const list = async (onlyAwaited: boolean) => {
    const awaited = new Set(opts.awaited());
    if (!awaited.size) return;
    let nextToken: string | undefined;
    do {
      const page = await sfn
        .send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }), {
          abortSignal: halt.signal,
        })
        .catch(() => ({ executions: [], nextToken: undefined }));
      for (const e of page.executions ?? [])
        if (e.status !== 'RUNNING' && e.stopDate && e.name && (!onlyAwaited || awaited.has(e.name))) await handOver(e as EndedExecution);
      nextToken = page.nextToken;
    } while (nextToken && !halt.signal.aborted);
  };
  const poll = async () => {
    while (!halt.signal.aborted) {
      await sleep(POLL_MS, undefined, { signal: halt.signal }).catch(() => undefined);
      if (!halt.signal.aborted) await list(true);
    }
  };
  const loop = (async () => {
    const push = opts.pushEndpoint ? await endedExecutionsPush(opts.pushEndpoint, stateMachineArn, halt.signal) : undefined;
    if (!push) return poll();
    let reconciled = Date.now();
    // When each id was first seen awaited (to within a long poll): what is overdue for a listing.
    const awaitedSince = new Map<string, number>();
    const overdue = () => {
      const now = Date.now();
      const awaited = new Set(opts.awaited());
      for (const id of awaitedSince.keys()) if (!awaited.has(id)) awaitedSince.delete(id);
      let late = false;
      for (const id of awaited) {
        const since = awaitedSince.get(id);
        if (since === undefined) awaitedSince.set(id, now);
        else if (now - since > reconcileMs) late = true;
      }
      return late;
    };
    while (!halt.signal.aborted) {
      const batch = await push.next();
      if (batch === 'stopped') return;
      for (const e of batch.ended) await handOver(e);
      if (batch.gap || (overdue() && Date.now() - reconciled > reconcileMs)) {
        reconciled = Date.now();
        await list(true);
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
