import type { Meter } from '../aws/metering.ts';
import { writeFileAtomic } from './atomic-write.ts';

/**
 * Keeps a process's meter on disk: every second and at a clean exit. A process
 * killed with SIGKILL (a crash fault) loses at most its last second of counts,
 * instead of everything it did. Written by rename, so a reader never sees half a file.
 */
export function flushMeterEvery(file: string, meter: Meter, intervalMs = 1000): { close(): void } {
  const write = () => writeFileAtomic(file, JSON.stringify(meter.snapshot()));
  const timer = setInterval(write, intervalMs);
  timer.unref();
  return {
    close() {
      clearInterval(timer);
      write();
    },
  };
}
