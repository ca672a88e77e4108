import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { logFile, PROJECT_ROOT } from './paths.ts';
import { startDetached, type StartedProcess } from './processes.ts';

/** Starts the watchdog that stops `instance` once `ownerPid` is gone. */
export function startWatchdog(instance: string, ownerPid: number): StartedProcess {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'watchdog.ts');
  return startDetached(
    [process.execPath, '--import', 'tsx', script, instance, String(ownerPid)],
    logFile(instance, 'watchdog'),
    { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    PROJECT_ROOT,
  );
}
