import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Meter } from '../../aws/metering.ts';
import { FileTraceSink } from '../../messaging/trace.ts';
import { flushMeterEvery, observationFile } from '../meter-file.ts';
import { readProcessReports } from '../../variant/target.ts';

// A full or read-only disk, as a process sees it: every write to the folder fails.
const unwritable = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-obs-'));
  return { dir, file: (name: string) => path.join(dir, 'gone', name) };
};

describe('observation is best effort', () => {
  it('a trace write that fails is counted, never thrown into the step that did the work', () => {
    const sink = new FileTraceSink(unwritable().file('worker-1.jsonl'));
    expect(() => sink.record({ orderId: 'o1', step: 'charge', service: 'payments', start: 1, end: 2 })).not.toThrow();
    expect(sink.failed).toBe(1);
    expect(sink.lastError).toMatch(/ENOENT/);
  });

  it('a meter flush that fails on its timer neither kills the process nor goes unreported', async () => {
    const { dir, file } = unwritable();
    const sink = new FileTraceSink(file('worker-1.jsonl'));
    sink.record({ orderId: 'o1', step: 'charge', service: 'payments', start: 1, end: 2 });
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((l: string) => void lines.push(l));
    const meterFile = file('worker-1.meter.json');
    const flush = flushMeterEvery(meterFile, new Meter(), 5, sink);
    await new Promise((r) => setTimeout(r, 40));
    // The folder comes back (space freed): the failures so far are written beside the meter and read into the results.
    fs.mkdirSync(path.dirname(meterFile));
    flush.close();
    spy.mockRestore();
    expect(lines.join('\n')).toMatch(/\d+ meter and 1 trace writes failed/);
    expect(fs.existsSync(observationFile(meterFile))).toBe(true);
    const report = readProcessReports(path.join(dir, 'gone'));
    expect(report.observationFailures).toBeGreaterThan(1);
  });
});
