import { isOurs, type StartedProcess } from './processes.ts';
import type { SubstrateState } from './state.ts';

export interface DeadEngine {
  name: string;
  pid: number;
  log: string;
}

/**
 * Calls `onDeath` once if an engine process of the substrate exits while a run
 * uses it. Without this, a run whose emulator died waits out every order's
 * deadline before it notices anything.
 */
export function watchEngines(state: SubstrateState, onDeath: (e: DeadEngine) => void, everyMs = 1000): { stop(): void } {
  const engines: (StartedProcess & { name: string })[] = [
    ...state.moto.processes,
    { ...state.temporal, name: `temporal (${state.temporal.address})` },
  ];
  const timer = setInterval(() => {
    const dead = engines.find((e) => !isOurs(e));
    if (!dead) return;
    clearInterval(timer);
    onDeath({ name: dead.name, pid: dead.pid, log: dead.log });
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
