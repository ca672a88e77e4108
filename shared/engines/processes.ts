import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../errors.ts';

export interface StartedProcess {
  pid: number;
  command: string[];
  log: string;
}

/**
 * Starts a server in its own process group with output to a log file. Detached so
 * that `local up` can return while the server keeps running, and so that `down`
 * can signal the whole group and leave no child behind.
 */
/**
 * Called with pid 0 just before the spawn, so a record exists even if the caller
 * is killed between spawn and learning the pid; `down` then finds the process by
 * its exact command line.
 */
export type Announce = (p: StartedProcess) => void;

export function startDetached(
  command: string[],
  log: string,
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; announce?: Announce } = {},
): StartedProcess {
  const { env = process.env, cwd, announce } = opts;
  const [file, ...args] = command;
  announce?.({ pid: 0, command, log });
  if (!file) throw new Error('empty command');
  fs.mkdirSync(path.dirname(log), { recursive: true });
  // The last run's log is kept beside the new one: a start after a crash would otherwise wipe the
  // only account of how it died (it once erased the evidence of a port race). One generation only,
  // so a long-lived instance's logs stay bounded.
  if (fs.existsSync(log)) fs.renameSync(log, `${log}.previous`);
  const out = fs.openSync(log, 'w');
  try {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', out, out], env, ...(cwd ? { cwd } : {}) });
    if (child.pid === undefined) throw new UserError(`Could not start ${file}`);
    child.unref();
    return { pid: child.pid, command, log };
  } finally {
    fs.closeSync(out);
  }
}

/** True while the pid exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Guards against pid reuse: only a process still running our command is ours to stop. */
export function isOurs(p: StartedProcess): boolean {
  if (!isRunning(p.pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0');
    const want = p.command[0] ?? '';
    return cmdline.some((part) => part === want || part.endsWith(`/${want.split('/').pop()}`));
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves only once the process is gone. */
export async function stopProcess(p: StartedProcess, graceMs = 5000): Promise<void> {
  if (!isOurs(p)) return;
  signalGroup(p.pid, 'SIGTERM');
  // A stopped (SIGSTOPped) process holds a SIGTERM pending until it runs again.
  signalGroup(p.pid, 'SIGCONT');
  const deadline = Date.now() + graceMs;
  while (isRunning(p.pid) && Date.now() < deadline) await sleep(50);
  if (isRunning(p.pid)) {
    signalGroup(p.pid, 'SIGKILL');
    const hard = Date.now() + 5000;
    while (isRunning(p.pid) && Date.now() < hard) await sleep(50);
  }
  if (isRunning(p.pid)) throw new Error(`pid ${p.pid} (${p.command[0]}) did not stop`);
}

/** Fails with the port's number if anything already listens on it. */
export async function assertPortFree(port: number, what: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new UserError(`Port ${port} on ${host} (${what}) is already in use. Stop what holds it or pass another port.`)
          : err,
      );
    });
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}

/**
 * The ports the kernel hands to outgoing connections. A port picked inside this
 * range can be taken by any client socket (an SDK call, a gRPC channel) between
 * the pick and the engine's bind, which a busy test run did to moto.
 */
export function ephemeralPortRange(): [number, number] {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && hi) return [lo, hi];
  } catch {
    /* not Linux */
  }
  return [49152, 65535]; // IANA's dynamic range, which macOS and Windows use
}

const LOWEST_PICKED_PORT = 20000;

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** A port free right now and below the ephemeral range; used by tests to run beside a user's substrate. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const top = ephemeralPortRange()[0] - 1;
  for (let attempt = 0; top > LOWEST_PICKED_PORT && attempt < 200; attempt++) {
    const port = LOWEST_PICKED_PORT + Math.floor(Math.random() * (top - LOWEST_PICKED_PORT));
    if (await canBind(port, host)) return port;
  }
  // An unusual kernel setting leaves no room below the range: let the OS choose.
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** The first of `n` consecutive free ports (the split moto layout uses port..port+2). */
export async function freePortRun(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort();
    if (base + n > ephemeralPortRange()[0]) continue;
    try {
      for (let i = 1; i < n; i++) await assertPortFree(base + i, 'probe');
      return base;
    } catch {
      /* taken: try another base */
    }
  }
  throw new Error(`no run of ${n} free ports found`);
}

export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; alive: () => boolean; log: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (!opts.alive()) {
      throw new UserError(`${what} exited during startup. Last lines of ${opts.log}:\n${tail(opts.log)}`);
    }
    if (await probe().catch(() => false)) return;
    await sleep(200);
  }
  throw new UserError(`${what} did not answer within ${opts.timeoutMs / 1000}s. See ${opts.log}:\n${tail(opts.log)}`);
}

export function tail(file: string, lines = 12): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface ListeningSocket {
  address: string;
  port: number;
}

function hexToAddress(hex: string): string {
  if (hex.length === 8) {
    return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  }
  // IPv6 in /proc is four little-endian 32-bit words.
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => [3, 2, 1, 0].map((i) => w.slice(i * 2, i * 2 + 2)));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(`${bytes[i]}${bytes[i + 1]}`.replace(/^0+(?=.)/, ''));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** True once the process itself listens on the port (not another process that holds it). */
export function listensOn(pid: number, port: number): boolean {
  return listeningSockets(pid).some((s) => s.port === port);
}

/**
 * The TCP sockets a process listens on, read from /proc (no ss/netstat needed):
 * how tests and `status` prove the engines are bound to loopback only.
 */
export function listeningSockets(pid: number): ListeningSocket[] {
  const inodes = new Set<string>();
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m?.[1]) inodes.add(m[1]);
      } catch {
        /* fd closed meanwhile */
      }
    }
  } catch {
    return [];
  }
  const out: ListeningSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[] = [];
    try {
      lines = fs.readFileSync(table, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      const [local, , state, , , , , , inode] = cols.slice(1);
      if (state !== '0A' || !inode || !inodes.has(inode) || !local) continue;
      const [addrHex, portHex] = local.split(':');
      out.push({ address: hexToAddress(addrHex ?? ''), port: parseInt(portHex ?? '0', 16) });
    }
  }
  return out;
}

/** Pids of live processes whose command line is exactly `command`. */
export function findByCommand(command: string[]): number[] {
  const want = command.join('\0');
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0$/, '');
      if (cmd === want && isRunning(Number(entry))) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

/** Pids of live processes whose command line contains every one of `needles`. */
export function findProcesses(needles: string[]): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (needles.every((n) => cmd.includes(n)) && isRunning(Number(entry))) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}
