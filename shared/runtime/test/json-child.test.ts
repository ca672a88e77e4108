import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJsonChild } from '../json-child.ts';
import { PROJECT_ROOT } from '../../paths.ts';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'json-child-main.ts');

describe('work in a short-lived child process', () => {
  it("returns the child's answer", async () => {
    expect(await runJsonChild<number>(FIXTURE, { op: 'double', n: 21 }, 'doubling')).toBe(42);
  });

  it("rejects with the child's own error, named by what was being done", async () => {
    await expect(runJsonChild(FIXTURE, { op: 'fail', n: 2 }, 'doubling')).rejects.toThrow('doubling: no double of 2 today');
  });

  it('rejects with the exit code and the last of its stderr when the child dies without an answer', async () => {
    await expect(runJsonChild(FIXTURE, { op: 'crash' }, 'doubling')).rejects.toThrow(
      /^doubling: its child process exited with 3 \(.*the fixture crashed on purpose\)$/,
    );
  });

  it('a child exits as soon as its parent is gone (its stdin closes), even mid-work', async () => {
    const child = spawn(process.execPath, [FIXTURE], { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.write('{"op":"hang"}\n');
    // Started work, then the parent's end of the pipe closes, as when the harness is killed.
    await new Promise((r) => setTimeout(r, 1500));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdin.end();
    const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 10_000))]);
    if (code === 'still running') child.kill('SIGKILL');
    expect(code).toBe(1);
  });
});
