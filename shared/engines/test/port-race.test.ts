import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lostRandomPortRace } from '../substrate.ts';

// The Temporal dev server's own error when another process took one of the
// internal ports it had picked at random (seen in a CI run of this project).
const line = (port: number) =>
  `Error: failed starting server: ... failed listening for HTTP API on 127.0.0.1:${port}: listen tcp 127.0.0.1:${port}: bind: address already in use`;

describe('telling a lost random-port race from a port the user asked for', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-log-'));
  const log = (text: string) => {
    const file = path.join(dir, `${Math.random()}.log`);
    fs.writeFileSync(file, `starting\n${text}\n`);
    return file;
  };
  const opts = { port: 7233, ui: true, uiPort: 8233 };

  it('retries when an internal port was taken', () => expect(lostRandomPortRace(log(line(43525)), opts)).toBe(true));
  it('does not retry when the frontend port itself is taken', () => expect(lostRandomPortRace(log(line(7233)), opts)).toBe(false));
  it('does not retry when the UI port is taken', () => expect(lostRandomPortRace(log(line(8233)), opts)).toBe(false));
  it('does not retry other failures', () => expect(lostRandomPortRace(log('panic: something else'), opts)).toBe(false));
});

describe('ports picked for test engines', () => {
  it('are free and below the range the kernel hands to outgoing connections, runs included', async () => {
    const { ephemeralPortRange, freePort, freePortRun, assertPortFree } = await import('../processes.ts');
    const [lo] = ephemeralPortRange();
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      expect(port).toBeLessThan(lo);
      await assertPortFree(port, 'picked');
      const base = await freePortRun(3);
      expect(base + 2).toBeLessThan(lo);
      for (const p of [base, base + 1, base + 2]) await assertPortFree(p, 'picked run');
    }
  });
});
