import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Everything the project installs or runs lives here, git-ignored, so a clone stays clean. */
export function toolsDir(): string {
  return process.env.SAGABENCH_TOOLS_DIR ?? path.join(PROJECT_ROOT, '.tools');
}

/** Node's compile cache (NODE_COMPILE_CACHE), shared by the CLI, the processes it starts and the tests'. */
export const compileCacheDir = (): string => path.join(toolsDir(), 'cache', 'node-compile');
export const venvDir = (): string => path.join(toolsDir(), 'venv');
export const venvBin = (name: string): string => path.join(venvDir(), 'bin', name);
export const runDir = (): string => path.join(toolsDir(), 'run');
export const stateFile = (instance: string): string => path.join(runDir(), `${instance}.json`);
/** Every process `up` starts, recorded the moment it starts, so even a killed `up` can be cleaned up. */
export const journalFile = (instance: string): string => path.join(runDir(), `${instance}.pids.json`);
export const logFile = (instance: string, component: string): string => path.join(runDir(), `${instance}-${component}.log`);
