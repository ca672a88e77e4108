import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { findProcesses } from '../../shared/engines/processes.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';

/** The entry scripts of every process a bench run starts, the engines' watchdog included. */
const SCRIPTS = ['consumer-main.ts', 'worker-main.ts', 'relay-main.ts', 'sfn-task-worker.ts', 'watchdog.ts'];

const inLane = (pid: number, lane: string) => {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`SAGABENCH_TEST_LANE=${lane}`);
  } catch {
    return false; // gone meanwhile
  }
};

/**
 * This checkout's processes, from this test lane only: another checkout's test run may share the
 * machine, and the other lane (vitest.config.ts) starts workers of its own at the same time. Every
 * process inherits the lane's name from the test that started it, however deep.
 */
export const ours = (): number[] => {
  const pids = SCRIPTS.flatMap((s) => findProcesses([PROJECT_ROOT, s]));
  const lane = process.env.SAGABENCH_TEST_LANE;
  return lane ? pids.filter((p) => inLane(p, lane)) : pids;
};

/**
 * This lane's processes that were not running before, once they have had `ms` to go:
 * a worker in a process group of its own outlives its parent's SIGKILL until its watch
 * notices, so a single look can catch one on its way out on a loaded machine.
 */
export async function leftovers(before: Set<number>, ms = 20_000): Promise<number[]> {
  const left = () => ours().filter((p) => !before.has(p));
  const until = Date.now() + ms;
  while (left().length && Date.now() < until) await sleep(200);
  return left();
}
