import fs from 'node:fs';
import { setMaxListeners } from 'node:events';

/** Why a run stopped early; the exit code follows the shell's 128 + signal convention. */
export interface StopReason {
  why: string;
  exitCode: number;
}

export interface StopSignals {
  /** First Ctrl-C, SIGTERM or a lost npx parent: start nothing new, let orders in flight finish. */
  stop: AbortSignal;
  /** Second Ctrl-C (or a dead engine): stop waiting for them. */
  abandon: AbortSignal;
  /** Stops the run from inside (a dead engine); the first reason given wins. */
  stopNow(reason: StopReason): void;
  reason(): StopReason | undefined;
  dispose(): void;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

const startTime = (pid: number): string | undefined => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
};

/**
 * The npm process (`npx`, `npm exec`, `npm run`) that started this one, if any:
 * npm runs the bin through `sh -c`, so it is a grandparent, and when it dies
 * of a SIGTERM the shell and this process live on (npm does not pass it on).
 */
function npmAncestor(): { pid: number; start: string } | undefined {
  if (!process.env.npm_command && !process.env.npm_lifecycle_event) return undefined;
  let pid: number | undefined = process.ppid;
  for (let depth = 0; depth < 4 && pid && pid > 1; depth++, pid = parentOf(pid)) {
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      return undefined;
    }
    const start = startTime(pid);
    if (start && /(^|\/|\s)(npm|npx)(\s|$)|npm-cli\.js|npx-cli\.js/.test(cmd)) return { pid, start };
  }
  return undefined;
}

/**
 * The CLI's side of stopping: SIGINT (a terminal sends it to the whole process
 * group) and SIGTERM (timeout, CI runners, process managers) both stop the run
 * as a first Ctrl-C does; the second one stops waiting. Under npx the real
 * process can outlive npm (which exits on SIGTERM without passing it on), so
 * npm's exit counts as a SIGTERM.
 */
export function handleStopSignals(log: (line: string) => void): StopSignals {
  const stop = new AbortController();
  const abandon = new AbortController();
  // Every order in flight waits on these signals: that many listeners is the design, not a leak.
  setMaxListeners(0, stop.signal, abandon.signal);
  let reason: StopReason | undefined;
  const first = (r: StopReason, message: string) => {
    if (stop.signal.aborted) {
      if (abandon.signal.aborted) return;
      log('\nStopping now: orders in flight are recorded as abandoned (left out of the invariants); workers are being stopped...');
      abandon.abort(r.why);
      return;
    }
    reason = r;
    log(message);
    stop.abort(r.why);
  };
  const waitMessage =
    'no new orders; the ones in flight finish, then workers stop and partial results are written (Ctrl-C again to stop waiting)...';
  const onInt = () => first({ why: 'interrupted (Ctrl-C)', exitCode: 130 }, `\nStopping (Ctrl-C): ${waitMessage}`);
  const onTerm = () => first({ why: 'stopped by SIGTERM', exitCode: 143 }, `\nStopping (SIGTERM): ${waitMessage}`);
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const npm = npmAncestor();
  const watch = npm
    ? setInterval(() => {
        if (startTime(npm.pid) === npm.start) return;
        clearInterval(watch);
        first(
          { why: `its npm/npx parent (pid ${npm.pid}) is gone`, exitCode: 143 },
          `\nStopping (the npm/npx process ${npm.pid} that started this one is gone): ${waitMessage}`,
        );
      }, 500)
    : undefined;
  watch?.unref();
  return {
    stop: stop.signal,
    abandon: abandon.signal,
    stopNow(r) {
      reason ??= r;
      if (!stop.signal.aborted) stop.abort(r.why);
      if (!abandon.signal.aborted) abandon.abort(r.why);
    },
    reason: () => reason,
    dispose() {
      clearInterval(watch);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
