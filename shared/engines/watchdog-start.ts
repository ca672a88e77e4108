import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { logFile, PROJECT_ROOT } from '../paths.ts';
import { startDetached, type Announce, type StartedProcess } from './processes.ts';

/** Starts the watchdog that stops `instance` once `ownerPid` is gone. */
export function startWatchdog(instance: string, ownerPid: number, announce?: Announce): StartedProcess {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'watchdog.ts');
  return startDetached([process.execPath, script, instance, String(ownerPid)], logFile(instance, 'watchdog'), {
    cwd: PROJECT_ROOT,
    ...(announce ? { announce } : {}),
  });
}
