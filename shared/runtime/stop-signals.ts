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

/** True when npm (`npx`, `npm exec`, `npm run`) started this process: it does not pass every signal on. */
function startedByNpm(): boolean {
  if (process.env.npm_command || process.env.npm_lifecycle_event) return true;
  try {
    return /(^|\/|\0)(npm|npx)(-cli\.js)?(\0|$)|npm-cli\.js|npx-cli\.js/.test(fs.readFileSync(`/proc/${process.ppid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The CLI's side of stopping: SIGINT (a terminal sends it to the whole process
 * group) and SIGTERM (timeout, CI runners, process managers) both stop the run
 * as a first Ctrl-C does; the second one stops waiting. Under npx the real
 * process can outlive its npm parent (npm exits on SIGTERM without passing it
 * on), so a changed parent pid counts as a SIGTERM.
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
  const parent = process.ppid;
  const watch = startedByNpm()
    ? setInterval(() => {
        if (process.ppid === parent) return;
        clearInterval(watch);
        first(
          { why: `its npm/npx parent (pid ${parent}) is gone`, exitCode: 143 },
          `\nStopping (the npm/npx parent ${parent} is gone): ${waitMessage}`,
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
