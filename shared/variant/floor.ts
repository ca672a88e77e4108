import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Meter, OperationCount } from '../aws/metering.ts';
import { startChild, stopChildren } from '../runtime/children.ts';
import type { LoadTarget } from './load-target.ts';

/** A floor as the load loop sees it, plus the pids of its processes (so a caller can check they are gone). */
export interface FloorTarget extends LoadTarget {
  pids: number[];
}

export interface FloorChild {
  pid: number;
  /** Stops the process (idempotent) and returns the AWS calls it reported on its way out. */
  stop(): Promise<OperationCount[]>;
}

/**
 * A floor's relays or worker in a process of their own, so their CPU is not the
 * harness's. Protocol: config as JSON in argv (nothing on disk to clean up), a
 * `"ready"` line, and on exit one `{"meter": [...]}` line on stdout, the line
 * shared/engines/probes/sfn-task-worker.ts already writes.
 */
export async function startFloorChild(script: string, args: string[]): Promise<FloorChild> {
  const child: ChildProcess = await startChild(script, args);
  let meter: OperationCount[] | undefined;
  createInterface({ input: child.stdout! }).on('line', (l) => {
    if (!l.startsWith('{"meter"')) return;
    meter = (JSON.parse(l) as { meter: OperationCount[] }).meter;
  });
  // Line events can trail the exit event: wait for stdout to end before reading the meter.
  const drained = new Promise<void>((resolve) => child.stdout!.once('close', resolve));
  let stopping: Promise<OperationCount[]> | undefined;
  return {
    pid: child.pid!,
    stop: () =>
      (stopping ??= (async () => {
        await stopChildren([child]);
        await Promise.race([drained, new Promise((r) => setTimeout(r, 1000))]);
        if (!meter) console.error(`floor child ${child.pid} left no meter line: its AWS calls are missing from the count`);
        return meter ?? [];
      })()),
  };
}

/** Child side: writes the meter line and waits until it is flushed, since the process exits right after. */
export function reportMeter(meter: OperationCount[]): Promise<void> {
  return new Promise((resolve) => process.stdout.write(`${JSON.stringify({ meter })}\n`, () => resolve()));
}

/**
 * Calls made through `meter` since now: the caller's clients may have been used
 * before the floor started, and those calls are not the floor's.
 */
export function callsSince(meter: Meter): () => OperationCount[] {
  const before = new Map(meter.snapshot().map((c) => [`${c.service}.${c.operation}`, c]));
  return () =>
    meter
      .snapshot()
      .map((c) => {
        const b = before.get(`${c.service}.${c.operation}`);
        if (!b) return c;
        const d = { ...c };
        for (const k of Object.keys(c) as (keyof OperationCount)[])
          if (typeof c[k] === 'number') (d[k] as number) = (c[k] as number) - (b[k] as number);
        return d;
      })
      .filter((c) => c.calls > 0);
}
