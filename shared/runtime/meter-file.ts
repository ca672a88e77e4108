import type { Meter } from '../aws/metering.ts';
import { injectedFaults } from '../aws/faults.ts';
import { writeFileAtomic } from './atomic-write.ts';

/** Failed observation writes of one process, beside its meter; the harness sums them into the results. */
export const observationFile = (meterFile: string): string => meterFile.replace(/\.meter\.json$/, '.observation.json');

/** Faults the process's clients injected (duplicates sent), beside its meter; written only when there were some. */
export const faultsFile = (meterFile: string): string => meterFile.replace(/\.meter\.json$/, '.faults.json');

export interface ObservationFailures {
  meterWrites: number;
  traceWrites: number;
  lastError?: string;
}

/**
 * Keeps a process's meter on disk: every second and at a clean exit. A process
 * killed with SIGKILL (a crash fault) loses at most its last second of counts,
 * instead of everything it did. Written by rename, so a reader never sees half a
 * file. Best effort: a failed write (a full disk) is counted and tried again a
 * second later; it never ends the process, whose work is what is measured.
 */
export function flushMeterEvery(
  file: string,
  meter: Meter,
  intervalMs = 1000,
  traces?: { failed: number; lastError: string | undefined },
): { close(): void } {
  let failed = 0;
  let lastError: string | undefined;
  const write = () => {
    try {
      writeFileAtomic(file, JSON.stringify(meter.snapshot()));
      if (injectedFaults.duplicates) writeFileAtomic(faultsFile(file), JSON.stringify(injectedFaults));
    } catch (err) {
      failed++;
      lastError = (err as Error).message;
    }
  };
  const timer = setInterval(write, intervalMs);
  timer.unref();
  return {
    close() {
      clearInterval(timer);
      write();
      const traceWrites = traces?.failed ?? 0;
      if (failed === 0 && traceWrites === 0) return;
      const report: ObservationFailures = {
        meterWrites: failed,
        traceWrites,
        ...((lastError ?? traces?.lastError) ? { lastError: lastError ?? traces?.lastError } : {}),
      };
      console.error(`${file}: ${failed} meter and ${traceWrites} trace writes failed (${report.lastError}); outcomes are unaffected`);
      try {
        writeFileAtomic(observationFile(file), JSON.stringify(report));
      } catch {
        /* the disk that refused the meter refuses this too; the line above says it */
      }
    },
  };
}
