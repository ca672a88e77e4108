import { setTimeout as sleep } from 'node:timers/promises';
import { ensureTools } from './install.ts';
import { checkMotoPorts, motoEndpoints, motoHealthy, motoPatched, motoPlan, startMoto, type MotoLayout } from './moto.ts';
import {
  findByCommand,
  isOurs,
  isRunning,
  listeningSockets,
  stopProcess,
  tail,
  type ListeningSocket,
  type StartedProcess,
} from './processes.ts';
import {
  appendJournal,
  readJournal,
  readState,
  removeJournal,
  removeState,
  writeState,
  type MotoProcess,
  type SubstrateState,
} from './state.ts';
import { startWatchdog } from './watchdog-start.ts';
import { checkTemporalPorts, startTemporal, temporalAnswers, waitForTemporal } from './temporal.ts';
import { PINNED } from './versions.ts';
import { UserError } from '../errors.ts';

export interface UpOptions {
  instance: string;
  motoPort: number;
  motoLayout: MotoLayout;
  temporalPort: number;
  ui: boolean;
  uiPort: number;
  /**
   * Stop the substrate when this process exits, however it exits (the test run
   * uses this: a killed vitest must not leave engines behind).
   */
  ownerPid?: number;
  log?: (line: string) => void;
}

export const DEFAULTS = {
  instance: 'default',
  motoPort: 5000,
  motoLayout: 'split' as MotoLayout,
  temporalPort: 7233,
  uiPort: 8233,
} as const;

export interface UpResult {
  state: SubstrateState;
  alreadyRunning: boolean;
  installed: boolean;
}

function allProcesses(state: SubstrateState): StartedProcess[] {
  return [...state.moto.processes, state.temporal];
}

/**
 * Starts moto and the Temporal dev server. Whatever fails part-way, or an
 * interrupt during startup, stops every process started so far: `up` either
 * leaves a complete, recorded substrate or nothing.
 */
export async function up(opts: UpOptions): Promise<UpResult> {
  const log = opts.log ?? (() => {});
  const existing = readState(opts.instance);
  if (existing && (await healthyWithin(existing, SLOW_ANSWER_GRACE_MS))) return { state: existing, alreadyRunning: true, installed: false };
  if (existing || readJournal(opts.instance).length) {
    log(`Instance '${opts.instance}' was left half-started or half-stopped; stopping what is left of it.`);
    await down(opts.instance);
  }

  const { installed } = ensureTools(log);
  const plan = motoPlan(opts.motoLayout, opts.motoPort);
  await checkMotoPorts(plan);
  await checkTemporalPorts({ port: opts.temporalPort, ui: opts.ui, uiPort: opts.uiPort });
  const ports = [...plan.map((p) => p.port), opts.temporalPort, ...(opts.ui ? [opts.uiPort] : [])];
  if (new Set(ports).size !== ports.length) {
    throw new UserError(`Ports overlap: ${ports.join(', ')}. Choose a moto base port and Temporal ports that differ.`, 2);
  }

  const started: StartedProcess[] = [];
  const announce = (p: StartedProcess) => appendJournal(opts.instance, p);
  const record = (p: StartedProcess) => {
    started.push(p);
    announce(p);
  };
  const cleanup = async () => {
    await Promise.allSettled(started.map((p) => stopProcess(p)));
    removeState(opts.instance);
    removeJournal(opts.instance);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (opts.ownerPid !== undefined) record(startWatchdog(opts.instance, opts.ownerPid, announce));
    const temporalAddress = `127.0.0.1:${opts.temporalPort}`;
    log(`Starting Temporal dev server ${PINNED.temporalBin} on ${temporalAddress}`);
    const temporalOpts = { port: opts.temporalPort, ui: opts.ui, uiPort: opts.uiPort };
    let temporal = startTemporal(temporalOpts, opts.instance, announce);
    record(temporal);
    log(`Starting moto ${PINNED.moto} (${opts.motoLayout}) on 127.0.0.1:${plan.map((p) => p.port).join(',')}`);
    const moto: MotoProcess[] = await startMoto(plan, opts.instance, record, announce);
    // The dev server picks its internal ports (HTTP API, metrics, history, matching)
    // at random and binds them a moment later; another process can take one in
    // between. That is a lost race, not a user error: start it again.
    for (let attempt = 1; ; attempt++) {
      try {
        await waitForTemporal(temporal, temporalAddress);
        break;
      } catch (err) {
        if (attempt >= 3 || !lostRandomPortRace(temporal.log, temporalOpts)) throw err;
        log(`Temporal lost a race for one of its random internal ports; starting it again (attempt ${attempt + 1})`);
        temporal = startTemporal(temporalOpts, opts.instance, announce);
        record(temporal);
      }
    }
    const state: SubstrateState = {
      schemaVersion: 1,
      instance: opts.instance,
      startedAt: new Date().toISOString(),
      host: '127.0.0.1',
      moto: { version: PINNED.moto, patched: motoPatched(), processes: moto, endpoints: motoEndpoints(moto) },
      temporal: {
        ...temporal,
        version: PINNED.temporalBin,
        address: temporalAddress,
        port: opts.temporalPort,
        namespace: 'default',
        uiUrl: opts.ui ? `http://127.0.0.1:${opts.uiPort}` : null,
      },
    };
    writeState(state);
    return { state, alreadyRunning: false, installed };
  } catch (err) {
    await cleanup();
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function lostRandomPortRace(log: string, opts: { port: number; ui: boolean; uiPort: number }): boolean {
  const m = /listen tcp 127\.0\.0\.1:(\d+): bind: address already in use/.exec(tail(log, 40));
  if (!m) return false;
  const port = Number(m[1]);
  return port !== opts.port && !(opts.ui && port === opts.uiPort);
}

export interface DownResult {
  wasRunning: boolean;
  stopped: number[];
}

/**
 * Stops exactly the recorded pids (never by name) and checks each is gone. The
 * journal covers an `up` that was killed before it wrote the state file.
 * `exceptPid` lets the watchdog stop the substrate without stopping itself.
 */
export async function down(instance: string, exceptPid?: number): Promise<DownResult> {
  const state = readState(instance);
  const journal = readJournal(instance);
  if (!state && journal.length === 0) return { wasRunning: false, stopped: [] };
  const byPid = new Map<number, StartedProcess>();
  for (const p of [...journal, ...(state ? allProcesses(state) : [])]) if (p.pid > 0) byPid.set(p.pid, p);
  // An entry announced before its spawn may never have learnt its pid.
  for (const e of journal) for (const pid of findByCommand(e.command)) if (!byPid.has(pid)) byPid.set(pid, { ...e, pid });
  if (exceptPid !== undefined) byPid.delete(exceptPid);
  const procs = [...byPid.values()];
  const ours = procs.filter((p) => isOurs(p));
  await Promise.all(procs.map((p) => stopProcess(p, p.command.includes('start-dev') ? 10_000 : 5000)));
  const survivors = procs.filter((p) => isRunning(p.pid) && isOurs(p));
  if (survivors.length) throw new Error(`These processes survived 'down': ${survivors.map((p) => p.pid).join(', ')}`);
  removeState(instance);
  removeJournal(instance);
  return { wasRunning: true, stopped: ours.map((p) => p.pid) };
}

export interface ComponentHealth {
  name: string;
  pid: number;
  endpoint: string;
  running: boolean;
  answering: boolean;
  /** Every TCP socket the process listens on; all must be on 127.0.0.1. */
  listening: ListeningSocket[];
  log: string;
}

export interface Health {
  healthy: boolean;
  components: ComponentHealth[];
}

/** How long engines that all still run may take to answer before `up` treats them as half-stopped. */
const SLOW_ANSWER_GRACE_MS = 10_000;

/**
 * Healthy now, or once engines that all still run answer within `graceMs`: on a loaded machine a
 * probe (Temporal's 1-s connect) can time out, and taking such a substrate down would wipe what
 * lives on it (local deployments). A process that is gone is not waited for.
 */
async function healthyWithin(state: SubstrateState, graceMs: number): Promise<boolean> {
  const until = Date.now() + graceMs;
  for (;;) {
    const h = await health(state);
    if (h.healthy) return true;
    if (Date.now() >= until || !h.components.every((c) => c.running)) return false;
    await sleep(1000);
  }
}

export async function health(state: SubstrateState): Promise<Health> {
  const components: ComponentHealth[] = [];
  for (const p of state.moto.processes) {
    components.push({
      name: `${p.name} (${p.services.join('+')})`,
      pid: p.pid,
      endpoint: `http://127.0.0.1:${p.port}`,
      running: isOurs(p),
      answering: await motoHealthy(p),
      listening: listeningSockets(p.pid),
      log: p.log,
    });
  }
  const t = state.temporal;
  const running = isOurs(t);
  components.push({
    name: 'temporal',
    pid: t.pid,
    endpoint: t.address,
    running,
    answering: running && (await temporalAnswers(t.address).catch(() => false)),
    listening: listeningSockets(t.pid),
    log: t.log,
  });
  return { healthy: components.every((c) => c.running && c.answering), components };
}
