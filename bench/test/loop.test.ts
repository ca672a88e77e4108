import { describe, expect, it, vi } from 'vitest';
import { runLoad, latencyOf } from '../load/loop.ts';
import type { Completion, LoadTarget } from '../../shared/variant/load-target.ts';
import { summarize } from '../load/latency.ts';

/**
 * A system under test whose behaviour the test decides: each unit takes
 * `serviceMs`, one at a time (a single server), and between `stallFrom` and
 * `stallUntil` it neither accepts (submit blocks) nor serves. No engine is
 * stood in for here: this is the harness's own accounting under a system built
 * to stall.
 */
function singleServer(opts: { serviceMs: number; stallFrom?: number; stallUntil?: number }) {
  // The stall is timed from the first submit, not from this call: the loop may start later.
  let t0 = 0;
  let free = 0;
  const done = new Map<string, Promise<Completion>>();
  const target: LoadTarget<null> = {
    async submit(id) {
      if (!t0) free = t0 = Date.now();
      const since = Date.now() - t0;
      if (opts.stallFrom !== undefined && since >= opts.stallFrom && since < opts.stallUntil!)
        await new Promise((r) => setTimeout(r, opts.stallUntil! - since));
      const now = Date.now();
      let start = Math.max(now, free);
      if (opts.stallFrom !== undefined && start >= t0 + opts.stallFrom && start < t0 + opts.stallUntil!) start = t0 + opts.stallUntil!;
      const end = start + opts.serviceMs;
      free = end;
      done.set(id, new Promise((r) => setTimeout(() => r({ id, status: 'DONE', terminalAt: end }), end - now)));
    },
    awaitTerminal: (id) => done.get(id)!,
    stop: async () => ({ metered: [], traces: [] }),
  };
  return Object.assign(target, {
    /** The stall as it fell, in epoch ms: what the assertions hold the loop's records against. */
    stallWindow: () => ({ from: t0 + opts.stallFrom!, until: t0 + opts.stallUntil! }),
  });
}

const units = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${i}`, payload: null }));

describe('load loop', () => {
  // On the machine's own clock these two failed on loaded fresh clones: a late timer moved a unit
  // across the stall's edge (4 < 40, twice). On a fake clock the schedule is exact, so the figures are
  // the loop's accounting and nothing else.
  const onFakeClock = async <T>(run: () => Promise<T>): Promise<T> => {
    vi.useFakeTimers();
    try {
      const out = run();
      await vi.runAllTimersAsync();
      return await out;
    } finally {
      vi.useRealTimers();
    }
  };

  it('open loop charges a stall to every order scheduled during it (no coordinated omission)', async () => {
    // 20 orders/s for 2 s; the server stalls from 0.5 s to 1.5 s after the first submit.
    const server = singleServer({ serviceMs: 5, stallFrom: 500, stallUntil: 1500 });
    const records = await onFakeClock(() =>
      runLoad(server, { units: units(40), shape: { kind: 'open', ratePerSec: 20 }, deadlineMs: 10_000 }),
    );
    expect(records.every((r) => r.status === 'DONE')).toBe(true);
    // Measured from acceptance the stall would all but vanish: once accepted, an order waited at most
    // for the 20 accepted with it at the stall's end (5 ms each), never for the stall.
    expect(Math.max(...records.map((r) => r.terminalAt! - r.acceptedAt!))).toBeLessThanOrEqual(21 * 5);
    const { from, until } = server.stallWindow();
    const during = records.filter((r) => r.intendedAt >= from && r.intendedAt < until);
    // Units 10..29 were due during the 1 s stall; each waits for its end, from when it was due.
    expect(during.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => `u${i + 10}`));
    for (const r of during) expect(latencyOf(r)).toBeGreaterThanOrEqual(until - r.intendedAt + 5);
    expect(latencyOf(during[0]!)).toBe(1005);
    // Before it, the service time alone.
    expect(records.filter((r) => r.intendedAt < from).map((r) => latencyOf(r))).toEqual(Array(10).fill(5));
    // Half the orders were due during the stall, so the upper percentiles are the stall's.
    const s = summarize(records.map((r) => latencyOf(r)!));
    expect(s.p90).toBeGreaterThan(700);
    expect(s.max).toBe(1005);
  });

  it('closed loop with one client hides the same stall in all but one order (why the open loop exists)', async () => {
    const records = await onFakeClock(() =>
      runLoad(singleServer({ serviceMs: 5, stallFrom: 500, stallUntil: 1500 }), {
        units: units(120),
        shape: { kind: 'closed', concurrency: 1 },
        deadlineMs: 10_000,
      }),
    );
    const lat = records.map((r) => latencyOf(r)!);
    expect(lat.filter((l) => l > 500)).toHaveLength(1);
    expect(lat.filter((l) => l === 5)).toHaveLength(119);
  });

  it('runs at most `concurrency` units at once in a closed loop', async () => {
    let inFlight = 0;
    let peak = 0;
    const target: LoadTarget<null> = {
      async submit() {
        inFlight++;
        peak = Math.max(peak, inFlight);
      },
      awaitTerminal: (id) =>
        new Promise((r) =>
          setTimeout(() => {
            inFlight--;
            r({ id, status: 'DONE', terminalAt: Date.now() });
          }, 10),
        ),
      stop: async () => ({ metered: [], traces: [] }),
    };
    const records = await runLoad(target, { units: units(30), shape: { kind: 'closed', concurrency: 4 }, deadlineMs: 5000 });
    expect(records).toHaveLength(30);
    expect(peak).toBe(4);
  });

  it('counts a unit that never ends as LOST at its deadline, and a refused one as ERROR', async () => {
    const target: LoadTarget<null> = {
      async submit(id) {
        if (id === 'u1') throw new Error('refused');
      },
      awaitTerminal: (id) => (id === 'u0' ? new Promise(() => {}) : Promise.resolve({ id, status: 'DONE', terminalAt: Date.now() })),
      stop: async () => ({ metered: [], traces: [] }),
    };
    const progress: number[] = [];
    const records = await runLoad(target, {
      units: units(3),
      shape: { kind: 'closed', concurrency: 3 },
      deadlineMs: 300,
      onProgress: (p) => progress.push(p.errors),
    });
    const by = Object.fromEntries(records.map((r) => [r.id, r]));
    expect(by.u0!.status).toBe('LOST');
    expect(by.u1).toMatchObject({ status: 'ERROR', error: 'refused' });
    expect(by.u2!.status).toBe('DONE');
    expect(progress.at(-1)).toBe(2);
  });

  it("keeps why a unit's end was no outcome, as the target says it", async () => {
    const target: LoadTarget<null> = {
      async submit() {},
      awaitTerminal: (id) =>
        Promise.resolve(
          id === 'u0'
            ? { id, status: 'EXECUTION_FAILED', terminalAt: Date.now(), detail: 'Error: boom' }
            : { id, status: 'DONE', terminalAt: Date.now() },
        ),
      stop: async () => ({ metered: [], traces: [] }),
    };
    const records = await runLoad(target, { units: units(2), shape: { kind: 'closed', concurrency: 2 }, deadlineMs: 1000 });
    const by = Object.fromEntries(records.map((r) => [r.id, r]));
    expect(by.u0).toMatchObject({ status: 'EXECUTION_FAILED', error: 'Error: boom' });
    expect(by.u1!.error).toBeUndefined();
  });

  it('on a stop, schedules nothing more but lets the units in flight finish', async () => {
    const controller = new AbortController();
    const target: LoadTarget<null> = {
      async submit() {},
      awaitTerminal: (id) => new Promise((r) => setTimeout(() => r({ id, status: 'DONE', terminalAt: Date.now() }), 300)),
      stop: async () => ({ metered: [], traces: [] }),
    };
    setTimeout(() => controller.abort(), 200);
    const records = await runLoad(target, {
      units: units(100),
      shape: { kind: 'open', ratePerSec: 20 },
      deadlineMs: 60_000,
      signal: controller.signal,
    });
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(20);
    expect(records.every((r) => r.status === 'DONE')).toBe(true);
  });

  it('on abandon, marks what was waiting ABANDONED at once (never LOST)', async () => {
    const controller = new AbortController();
    const target: LoadTarget<null> = {
      async submit() {},
      awaitTerminal: () => new Promise(() => {}),
      stop: async () => ({ metered: [], traces: [] }),
    };
    setTimeout(() => controller.abort(), 200);
    const records = await runLoad(target, {
      units: units(100),
      shape: { kind: 'open', ratePerSec: 20 },
      deadlineMs: 60_000,
      signal: controller.signal,
      abandon: controller.signal,
    });
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(20);
    expect(records.every((r) => r.status === 'ABANDONED')).toBe(true);
  });

  it('summarizes with HdrHistogram within its 3-significant-digit bound', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    const s = summarize(values);
    expect(s.count).toBe(1000);
    expect(Math.abs(s.p50 - 500)).toBeLessThanOrEqual(1);
    expect(Math.abs(s.p99 - 990)).toBeLessThanOrEqual(1);
    expect(s.max).toBe(1000);
    expect(s.mean).toBeCloseTo(500.5, 0);
    expect(s.cdf.at(-1)).toEqual({ p: 100, ms: 1000 });
    expect(summarize([]).count).toBe(0);
  });
});
