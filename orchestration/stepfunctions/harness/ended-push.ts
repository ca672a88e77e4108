import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EndedExecution } from './ended-executions.ts';

/** How long one request waits for an end before it is asked again. */
const LONG_POLL_SECONDS = 5;

interface Answer {
  cursor: number;
  gap: boolean;
  ended: {
    name: string;
    executionArn: string;
    stateMachineArn: string;
    status: string;
    startDate: number | null;
    stopDate: number;
    /** A succeeded execution's output, as DescribeExecution gives it (absent from an older launcher, or an old entry). */
    output?: string | null;
  }[];
}

/**
 * The ended executions of one state machine as the project's moto launcher pushes
 * them (GET /_sagabench/sfn/ended, a long poll: shared/engines/moto_server.py).
 * Undefined when the endpoint does not answer as expected (plain moto): the
 * caller polls instead. The first answer brings every end already recorded.
 */
export async function endedExecutionsPush(
  endpoint: string,
  stateMachineArn: string,
  signal: AbortSignal,
): Promise<{ next(): Promise<{ ended: EndedExecution[]; gap: boolean } | 'stopped'> } | undefined> {
  // node:http with a kept connection rather than fetch, as the orders API client: at one client
  // there is one answer per order, and fetch costs the harness about twice the CPU per call.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  signal.addEventListener('abort', () => agent.destroy(), { once: true });
  const base = new URL(endpoint);
  const get = (pathAndQuery: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({ agent, host: base.hostname, port: base.port, method: 'GET', path: pathAndQuery, signal }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  const ask = async (after: number, wait: number): Promise<Answer> => {
    const res = await get(`/_sagabench/sfn/ended?after=${after}&wait=${wait}&stateMachineArn=${encodeURIComponent(stateMachineArn)}`);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    const body = JSON.parse(res.text) as Answer;
    if (typeof body?.cursor !== 'number' || !Array.isArray(body.ended)) throw new Error('not an ended-executions answer');
    return body;
  };
  let first: Answer;
  try {
    first = await ask(0, 0);
  } catch {
    return undefined;
  }
  let cursor = first.cursor;
  let pending: Answer | undefined = first;
  const toEnded = (a: Answer) =>
    a.ended.map((e) => ({
      name: e.name,
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      status: e.status as EndedExecution['status'],
      ...(e.startDate !== null ? { startDate: new Date(e.startDate) } : {}),
      stopDate: new Date(e.stopDate),
      ...(typeof e.output === 'string' ? { output: e.output } : {}),
    })) as EndedExecution[];
  return {
    async next() {
      if (pending) {
        const a = pending;
        pending = undefined;
        return { ended: toEnded(a), gap: a.gap };
      }
      if (signal.aborted) return 'stopped';
      try {
        const a = await ask(cursor, LONG_POLL_SECONDS);
        cursor = a.cursor;
        return { ended: toEnded(a), gap: a.gap };
      } catch {
        if (signal.aborted) return 'stopped';
        // A dropped connection: the cursor keeps what was not yet seen; meanwhile the caller lists, as on a gap.
        await sleep(200, undefined, { signal }).catch(() => undefined);
        return signal.aborted ? 'stopped' : { ended: [], gap: true };
      }
    },
  };
}
