import fs from 'node:fs';
import type { Meter } from '../aws/metering.ts';

/**
 * Keeps a process's meter on disk: every second and at a clean exit. A process
 * killed with SIGKILL (a crash fault) loses at most its last second of counts,
 * instead of everything it did. Written by rename, so a reader never sees half a file.
 */
export function flushMeterEvery(file: string, meter: Meter, intervalMs = 1000): { close(): void } {
  const write = () => {
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(meter.snapshot()));
    fs.renameSync(tmp, file);
  };
  const timer = setInterval(write, intervalMs);
  timer.unref();
  return {
    close() {
      clearInterval(timer);
      write();
    },
  };
}
