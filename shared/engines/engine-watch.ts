import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { isOurs, type StartedProcess } from './processes.ts';
import { motoUrl } from './moto.ts';
import type { SubstrateState } from './state.ts';

export interface DeadEngine {
  name: string;
  pid: number;
  log: string;
  /** `died`: the process is gone; `frozen`: it runs but has answered nothing for `silentMs` (SIGSTOP, a deadlock). */
  how: 'died' | 'frozen';
  silentMs?: number;
  /** The process itself, for whoever must stop a frozen one. */
  process: StartedProcess;
}

export interface WatchTimings {
  /** How often each engine's pid is checked, and how long between two probes of an engine that missed one. */
  everyMs: number;
  /**
   * How long between two probes of an engine that answers. Each probe is the harness's CPU (an HTTP or
   * gRPC call, about 1.5 ms on a loaded machine, four engines in the split layout), and at one client a
   * probe a second per engine cost more of the harness's CPU than the orders did: a miss brings the
   * next probe back to `everyMs`, so a frozen engine is still named once `frozenAfterMs` has passed.
   * With probes every second throughout, 10 s of silence took four misses (a 2-s timeout and a 1-s
   * pause each); the first miss now comes up to 5 s later, so `misses` is 4 to keep that tolerance: at
   * load ~30 a bench --deployed run once named a live Temporal server frozen after three.
   */
  answeringEveryMs: number;
  /** One probe's bound: a cheap request (moto's config GET, Temporal's GetSystemInfo). */
  probeTimeoutMs: number;
  /**
   * Frozen only after this long without an answer and `misses` failed probes in a row:
   * a loaded machine delays an answer, it does not withhold it for seconds on end.
   */
  frozenAfterMs: number;
  misses: number;
}

export const WATCH_TIMINGS: WatchTimings = {
  everyMs: 1000,
  answeringEveryMs: 5000,
  probeTimeoutMs: 2000,
  frozenAfterMs: 10_000,
  misses: 4,
};

type Watched = StartedProcess & { name: string; probe(timeoutMs: number): Promise<unknown>; close?(): Promise<void> };

/**
 * Moto's config GET over one kept connection (the launcher keeps them): `fetch` cost about 4 ms of
 * the harness's CPU per probe on a loaded machine, node:http a fraction of that.
 */
function motoProbe(port: number): Pick<Watched, 'probe' | 'close'> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    probe: (timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const req = http.get(`${motoUrl(port)}/moto-api/config`, { agent, timeout: timeoutMs }, (res) => {
          res.resume();
          res.once('end', () =>
            res.statusCode! >= 200 && res.statusCode! < 300 ? resolve() : reject(new Error(`moto answered ${res.statusCode}`)),
          );
          res.once('error', reject);
        });
        // Silence on the socket for timeoutMs: a frozen or hung server.
        req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.once('error', reject);
      }),
    async close() {
      agent.destroy();
    },
  };
}

/** One connection kept for the whole watch (a fresh gRPC connection per probe would be the costly part). */
function temporalProbe(address: string): Pick<Watched, 'probe' | 'close'> {
  let connection: Promise<Connection> | undefined;
  return {
    async probe(timeoutMs) {
      // No retry interceptor: a probe that fails is a miss, and a retry timer left behind by a call the
      // close cut short would call into the closed channel after the watch stopped.
      connection ??= Connection.connect({ address, connectTimeout: timeoutMs, interceptors: [] });
      const c = await Promise.race([connection, sleep(timeoutMs, undefined, { ref: false }).then(() => undefined)]);
      if (!c) throw new Error('no connection');
      try {
        await c.withDeadline(Date.now() + timeoutMs, () => c.workflowService.getSystemInfo({}));
      } catch (err) {
        connection = undefined;
        void c.close().catch(() => undefined);
        throw err;
      }
    },
    async close() {
      const c = connection;
      connection = undefined;
      if (c) await (await c.catch(() => undefined))?.close().catch(() => undefined);
    },
  };
}

/**
 * Calls `onStuck` once if an engine process of the substrate exits, or stops
 * answering, while a run uses it. Without this, a run whose emulator died waits
 * out every order's deadline, and one whose emulator froze (SIGSTOP) waits out
 * the clients' 30 s request timeouts on every call, before it notices anything.
 */
export function watchEngines(
  state: SubstrateState,
  onStuck: (e: DeadEngine) => void,
  timings: Partial<WatchTimings> = {},
): { stop(): Promise<void> } {
  const t = { ...WATCH_TIMINGS, ...timings };
  const engines: Watched[] = [
    ...state.moto.processes.map((p) => ({ ...p, ...motoProbe(p.port) })),
    { ...state.temporal, name: `temporal (${state.temporal.address})`, ...temporalProbe(state.temporal.address) },
  ];
  let done = false;
  // Cuts the probe loops' pauses short on stop: an unref'd pause left pending would leave its loop unsettled.
  const stopped = new AbortController();
  const report = (e: Watched, how: DeadEngine['how'], silentMs?: number) => {
    if (done) return;
    done = true;
    clearInterval(timer);
    onStuck({
      name: e.name,
      pid: e.pid,
      log: e.log,
      how,
      ...(silentMs !== undefined ? { silentMs } : {}),
      process: { pid: e.pid, command: e.command, log: e.log },
    });
  };
  const timer = setInterval(() => {
    const dead = engines.find((e) => !isOurs(e));
    if (dead) report(dead, 'died');
  }, t.everyMs);
  timer.unref();
  // One probe loop per engine, never two probes of one engine at once: a slow answer delays the next probe.
  const loops = engines.map(async (e) => {
    let lastAnswer = Date.now();
    let misses = 0;
    while (!done) {
      const ok = await e.probe(t.probeTimeoutMs).then(
        () => true,
        () => false,
      );
      if (done) break;
      if (ok) {
        lastAnswer = Date.now();
        misses = 0;
      } else if (++misses >= t.misses && Date.now() - lastAnswer >= t.frozenAfterMs && isOurs(e)) {
        report(e, 'frozen', Date.now() - lastAnswer);
        break;
      }
      await sleep(misses ? t.everyMs : t.answeringEveryMs, undefined, { ref: false, signal: stopped.signal }).catch(() => undefined);
    }
    await e.close?.();
  });
  return {
    async stop() {
      done = true;
      clearInterval(timer);
      stopped.abort();
      await Promise.all(engines.map((e) => e.close?.()));
      // Not awaited: a probe in flight is bounded by its timeout, and its loop closes what it opened.
      void loops;
    },
  };
}
