import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, inject, it } from 'vitest';
import { CLI, collect, runCli, waitForOutput } from '../../shared/engines/test/cli-run.ts';
import { findProcesses, freePort, freePortRun, isRunning } from '../../shared/engines/processes.ts';
import { readJournal, readState } from '../../shared/engines/state.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { lockFile } from '../../shared/runtime/instance-lock.ts';
import { resultsSchema } from '../results/schema.ts';
import { leftovers, ours } from './leftovers.ts';

const outDir = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-stop-')), 'run');
const readResults = (dir: string) => resultsSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')));

/**
 * The CLI as a terminal runs it: the leader of a process group of its own, so a
 * signal to the group (what Ctrl-C does) reaches it and everything in its group.
 */
function startInGroup(args: string[], command: string[] = [process.execPath, CLI]): ChildProcess {
  const [file, ...rest] = command;
  return spawn(file!, [...rest, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}
const ctrlC = (child: ChildProcess) => process.kill(-child.pid!, 'SIGINT');

const benchArgs = (instance: string, dir: string, extra: string[]) => [
  'bench',
  '--instance',
  instance,
  '--warmup',
  '0',
  '--floor-orders',
  '0',
  '--no-change-impact',
  '--out',
  dir,
  ...extra,
];

/** Every engine pid the instance recorded, for checking they are gone. */
const enginePids = (instance: string) => {
  const state = readState(instance);
  return [
    ...readJournal(instance).map((p) => p.pid),
    ...(state ? [...state.moto.processes.map((p) => p.pid), state.temporal.pid] : []),
  ].filter((p) => p > 0);
};

async function gone(pids: number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  while (pids.some(isRunning) && Date.now() < until) await sleep(200);
  return pids.filter(isRunning);
}

describe('stopping a run', () => {
  const substrate = inject('substrate');

  it(
    'Ctrl-C to the process group: in-flight orders finish (none lost), partial results, exit 130; a second Ctrl-C abandons, never loses',
    { timeout: 240_000 },
    async () => {
      for (const presses of [1, 2]) {
        const dir = outDir();
        const before = new Set(ours());
        const child = startInGroup(
          benchArgs(substrate.instance, dir, ['--variants', 'temporal', '--orders', '400', '--levels', '6', '--seed', String(7 + presses)]),
        );
        const done = collect(child, 150_000);
        await waitForOutput(child, /temporal @6: 400 orders/, 60_000);
        await sleep(2500);
        ctrlC(child);
        if (presses === 2) {
          await sleep(100);
          ctrlC(child);
        }
        const r = await done;
        expect(r.code, r.stderr).toBe(130);
        const results = readResults(dir);
        expect(results.partial).toBe(true);
        expect(results.partialReason).toMatch(/interrupted \(Ctrl-C\)/);
        expect(results.variants.map((v) => v.name)).toEqual(['temporal']);
        const level = results.variants[0]!.levels[0]!;
        expect(level.outcomes.completed, `${presses} press(es): ${JSON.stringify(level.outcomes)}`).toBeGreaterThan(0);
        // The workers outlived the group's Ctrl-C, so nothing in flight was left to its deadline.
        expect(level.outcomes.lost, JSON.stringify(level.outcomes)).toBe(0);
        expect(level.outcomes.errors).toBe(0);
        // One press waits for every order in flight; two abandon the ones still running.
        if (presses === 1) expect(level.outcomes.abandoned ?? 0).toBe(0);
        else expect(level.outcomes.abandoned).toBeGreaterThan(0);
        // Abandoned orders are in no known state: the invariants leave them out instead of calling them broken.
        expect(results.invariantsOk, JSON.stringify(results.variants[0]!.invariants.filter((i) => !i.ok))).toBe(true);
        expect(await leftovers(before)).toEqual([]);
      }
    },
  );

  it('SIGTERM to npx alone stops the real process it started (it notices its parent is gone)', { timeout: 120_000 }, async () => {
    const dir = outDir();
    const child = startInGroup(benchArgs(substrate.instance, dir, ['--variants', 'temporal', '--orders', '300', '--levels', '4']), [
      'npx',
      'sagabench',
    ]);
    const done = collect(child, 100_000);
    await waitForOutput(child, /temporal @4: 300 orders/, 60_000);
    // npx runs `sh -c sagabench ...`, which runs node on the bin: the real process is a grandchild.
    const real = findProcesses(['node', 'bin/sagabench', dir]);
    try {
      expect(real.length).toBe(1);
      expect(real[0]).not.toBe(child.pid);
      process.kill(child.pid!, 'SIGTERM');
      await done;
      expect(await gone(real, 60_000)).toEqual([]);
    } finally {
      for (const pid of real.filter(isRunning)) process.kill(pid, 'SIGKILL');
    }
    const results = readResults(dir);
    expect(results.partial).toBe(true);
    expect(results.partialReason).toMatch(/npm\/npx parent|SIGTERM/);
  });

  it('two runs on one instance: the second refuses at once, naming the first; the first is untouched', { timeout: 120_000 }, async () => {
    const first = startInGroup(benchArgs(substrate.instance, outDir(), ['--variants', 'temporal', '--orders', '40', '--levels', '4']));
    const done = collect(first, 110_000);
    await waitForOutput(first, /temporal @4: 40 orders/, 60_000);
    const t0 = Date.now();
    const second = await runCli(benchArgs(substrate.instance, outDir(), ['--variants', 'temporal', '--orders', '5', '--levels', '1']));
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`instance '${substrate.instance}' is in use by pid ${first.pid} \\(sagabench bench`));
    expect(second.stderr).toMatch(/another --instance/);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
  });

  it(
    'an engine killed with kill -9 mid-run: one line naming it, partial results, exit 1, no process left',
    { timeout: 300_000 },
    async () => {
      const cases = [
        {
          engine: 'moto-dynamodb',
          variant: 'choreography',
          pidOf: (i: string) => readState(i)!.moto.processes.find((p) => p.name === 'moto-dynamodb')!.pid,
        },
        { engine: 'temporal', variant: 'temporal', pidOf: (i: string) => readState(i)!.temporal.pid },
      ];
      // The two cases side by side, each on an instance of its own: most of each is waiting (for its
      // engines to start, for the run to notice the death and wind down), and the waits overlap.
      const before = new Set(ours());
      const one = async (c: (typeof cases)[number], i: number) => {
        const instance = `${substrate.instance}-death${i}`;
        const dir = outDir();
        const child = startInGroup([
          ...benchArgs(instance, dir, ['--variants', c.variant, '--orders', '400', '--levels', '4']),
          '--moto-port',
          String(await freePortRun(3)),
          '--temporal-port',
          String(await freePort()),
        ]);
        const done = collect(child, 200_000);
        await waitForOutput(child, new RegExp(`${c.variant} @4: 400 orders`), 120_000);
        await sleep(1500);
        const engines = enginePids(instance);
        const killedAt = Date.now();
        process.kill(c.pidOf(instance), 'SIGKILL');
        const r = await done;
        expect(r.code, r.stderr.slice(-2000)).toBe(1);
        expect(Date.now() - killedAt).toBeLessThan(90_000);
        expect(r.stderr).toMatch(new RegExp(`the ${c.engine}.* engine \\(pid \\d+\\) died during the run`));
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(readResults(dir).partial).toBe(true);
        expect(await gone(engines, 15_000)).toEqual([]);
        expect(fs.existsSync(lockFile(instance))).toBe(false);
      };
      const settled = await Promise.allSettled(cases.map(one));
      // Both cases ran to their end before any process is counted: each one's processes are the other's leftovers until then.
      for (const s of settled) if (s.status === 'rejected') throw s.reason;
      expect(await leftovers(before)).toEqual([]);
    },
  );

  it(
    'an engine frozen with SIGSTOP mid-run: its liveness probe names it, partial results, exit 1, the frozen process stopped',
    { timeout: 180_000 },
    async () => {
      const instance = `${substrate.instance}-frozen`;
      const dir = outDir();
      const before = new Set(ours());
      const child = startInGroup([
        ...benchArgs(instance, dir, ['--variants', 'temporal', '--orders', '400', '--levels', '4']),
        '--moto-port',
        String(await freePortRun(3)),
        '--temporal-port',
        String(await freePort()),
      ]);
      const done = collect(child, 170_000);
      await waitForOutput(child, /temporal @4: 400 orders/, 120_000);
      await sleep(1500);
      const engines = enginePids(instance);
      const frozen = readState(instance)!.moto.processes.find((p) => p.name === 'moto-dynamodb')!.pid;
      const frozenAt = Date.now();
      process.kill(frozen, 'SIGSTOP');
      try {
        const r = await done;
        expect(r.code, r.stderr.slice(-2000)).toBe(1);
        // Well inside the 30 s request timeouts it used to take just to notice.
        expect(Date.now() - frozenAt).toBeLessThan(60_000);
        expect(r.stderr).toMatch(new RegExp(`the moto-dynamodb.* engine \\(pid ${frozen}\\) stopped answering .*its log: `));
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(readResults(dir).partial).toBe(true);
        expect(await gone(engines, 15_000)).toEqual([]);
        expect(await leftovers(before)).toEqual([]);
        expect(fs.existsSync(lockFile(instance))).toBe(false);
      } finally {
        // Never leave a stopped process behind, whatever failed above.
        if (isRunning(frozen)) process.kill(frozen, 'SIGCONT');
      }
    },
  );

  it(
    'a run killed with SIGKILL: its watchdog stops the engines; the next command takes the stale lock over and says so',
    { timeout: 180_000 },
    async () => {
      const instance = `${substrate.instance}-killed`;
      const before = new Set(ours());
      const child = startInGroup([
        ...benchArgs(instance, outDir(), ['--variants', 'temporal', '--orders', '400', '--levels', '4']),
        '--moto-port',
        String(await freePortRun(3)),
        '--temporal-port',
        String(await freePort()),
      ]);
      const done = collect(child, 170_000);
      await waitForOutput(child, /temporal @4: 400 orders/, 120_000);
      const engines = enginePids(instance);
      expect(engines.length).toBeGreaterThanOrEqual(5);
      process.kill(-child.pid!, 'SIGKILL');
      await done;
      expect(await gone(engines, 30_000)).toEqual([]);
      expect(await leftovers(before)).toEqual([]);
      const next = await runCli(['local', 'down', '--instance', instance]);
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).toMatch(new RegExp(`locked by pid ${child.pid} \\(sagabench bench.*which is gone; taking the lock over`));
      expect(fs.existsSync(lockFile(instance))).toBe(false);
    },
  );
});
