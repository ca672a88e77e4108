import { setTimeout as sleep } from 'node:timers/promises';
import { findProcesses } from '../../shared/engines/processes.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';

/** The entry scripts of every process a bench run starts, the engines' watchdog included. */
const SCRIPTS = ['consumer-main.ts', 'worker-main.ts', 'relay-main.ts', 'sfn-task-worker.ts', 'watchdog.ts'];

/** This checkout's processes only: another checkout's test run may share the machine. */
export const ours = (): number[] => SCRIPTS.flatMap((s) => findProcesses([PROJECT_ROOT, s]));

/**
 * This checkout's processes that were not running before, once they have had `ms` to go:
 * a worker in a process group of its own outlives its parent's SIGKILL until its watch
 * notices, so a single look can catch one on its way out on a loaded machine.
 */
export async function leftovers(before: Set<number>, ms = 20_000): Promise<number[]> {
  const left = () => ours().filter((p) => !before.has(p));
  const until = Date.now() + ms;
  while (left().length && Date.now() < until) await sleep(200);
  return left();
}
