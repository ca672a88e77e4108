import type { LoadTarget } from '../../shared/variant/load-target.ts';

export type LoadShape = { kind: 'closed'; concurrency: number } | { kind: 'open'; ratePerSec: number };

export interface UnitRecord {
  id: string;
  /** When the unit was due to start: the schedule's time in an open loop, the client's start in a closed one. */
  intendedAt: number;
  submittedAt: number;
  acceptedAt?: number;
  /** AWS call time inside the accept, by service, where the target reports it (see Accepted). */
  submitIo?: Record<string, number>;
  terminalAt?: number;
  status: string;
  error?: string;
}

export interface LoopProgress {
  done: number;
  total: number;
  errors: number;
}

export interface LoopOptions<P> {
  units: { id: string; payload: P }[];
  shape: LoadShape;
  /** A unit not terminal this long after its intended start is counted LOST. */
  deadlineMs: number;
  /** Stops scheduling: units in flight still run to their end (or deadline). */
  signal?: AbortSignal;
  /** Stops waiting: units in flight are recorded ABANDONED at once (never LOST: nobody waited out their deadline). */
  abandon?: AbortSignal;
  onProgress?: (p: LoopProgress) => void;
  now?: () => number;
}

/**
 * Drives a target and keeps one record per unit. In an open loop each unit's
 * latency starts at its scheduled time, not when the harness got round to it,
 * so a stalled system shows its queueing instead of hiding it (no coordinated
 * omission). A closed loop's clients start the next unit only when theirs ended.
 */
export async function runLoad<P>(target: LoadTarget<P>, opts: LoopOptions<P>): Promise<UnitRecord[]> {
  const now = opts.now ?? Date.now;
  const records: UnitRecord[] = [];
  let done = 0;
  let errors = 0;
  const report = () => opts.onProgress?.({ done, total: opts.units.length, errors });

  const runOne = async (unit: { id: string; payload: P }, intendedAt: number): Promise<void> => {
    const rec: UnitRecord = { id: unit.id, intendedAt, submittedAt: now(), status: 'PENDING' };
    records.push(rec);
    try {
      if (opts.signal?.aborted) throw new Error('aborted');
      // The submit is inside the deadline too: a call that never returns must not hold its client for ever.
      const accepted = await withDeadline(target.submit(unit.id, unit.payload), intendedAt + opts.deadlineMs - now(), opts.abandon);
      if (accepted === 'timeout') throw new Error(`the submit did not return within ${opts.deadlineMs} ms`);
      if (accepted === 'aborted') {
        rec.status = 'ABANDONED';
      } else {
        rec.acceptedAt = now();
        if (accepted?.io) rec.submitIo = accepted.io;
        const remaining = intendedAt + opts.deadlineMs - now();
        const c = await withDeadline(target.awaitTerminal(unit.id), remaining, opts.abandon);
        if (c === 'timeout') rec.status = 'LOST';
        else if (c === 'aborted') rec.status = 'ABANDONED';
        else {
          rec.status = c.status;
          rec.terminalAt = c.terminalAt;
          if (c.detail) rec.error = c.detail;
        }
      }
    } catch (err) {
      rec.status = opts.abandon?.aborted ? 'ABANDONED' : 'ERROR';
      rec.error = (err as Error).message;
      if (rec.status === 'ERROR') errors++;
    }
    if (rec.status === 'LOST') errors++;
    done++;
    report();
  };

  if (opts.shape.kind === 'closed') {
    let next = 0;
    const clients = Math.min(opts.shape.concurrency, opts.units.length);
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = next++; i < opts.units.length && !opts.signal?.aborted; i = next++) await runOne(opts.units[i]!, now());
      }),
    );
  } else {
    const interval = 1000 / opts.shape.ratePerSec;
    const start = now();
    const running: Promise<void>[] = [];
    for (let i = 0; i < opts.units.length && !opts.signal?.aborted; i++) {
      const due = start + i * interval;
      const wait = due - now();
      if (wait > 0) await sleep(wait, opts.signal);
      if (opts.signal?.aborted) break;
      running.push(runOne(opts.units[i]!, due));
    }
    await Promise.all(running);
  }
  return records;
}

/** Latency of a finished unit: from its intended start to the moment the system reached its terminal state. */
export const latencyOf = (r: UnitRecord): number | undefined =>
  r.terminalAt === undefined ? undefined : Math.max(0, r.terminalAt - r.intendedAt);

async function withDeadline<T>(p: Promise<T>, ms: number, signal?: AbortSignal): Promise<T | 'timeout' | 'aborted'> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(0, ms)))),
      new Promise<'aborted'>((r) => {
        onAbort = () => r('aborted');
        if (signal?.aborted) onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
