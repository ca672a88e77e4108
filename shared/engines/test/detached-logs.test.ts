import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isRunning, startDetached } from '../processes.ts';

describe('an engine started again on the same log', () => {
  it("keeps the last run's log beside the new one (one generation)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-logs-'));
    const log = path.join(dir, 'engine.log');
    const run = async (word: string) => {
      const { pid } = startDetached([process.execPath, '-e', `console.log(${JSON.stringify(word)})`], log);
      for (const until = Date.now() + 10_000; isRunning(pid) && Date.now() < until;) await sleep(20);
    };
    try {
      await run('first');
      await run('second');
      expect(fs.readFileSync(log, 'utf8')).toBe('second\n');
      expect(fs.readFileSync(`${log}.previous`, 'utf8')).toBe('first\n');
      await run('third');
      expect(fs.readFileSync(`${log}.previous`, 'utf8')).toBe('second\n');
      expect(fs.readdirSync(dir).sort()).toEqual(['engine.log', 'engine.log.previous']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
