import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runtimeProblem } from '../runtime.mjs';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin.mjs');

/** A Node on PATH other than the project's own (node_modules/.bin), if the machine has one. */
function systemNode(): { path: string; version: string } | null {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d && !d.includes('node_modules'));
  for (const dir of dirs) {
    const candidate = path.join(dir, 'node');
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return { path: candidate, version: r.stdout.trim() };
  }
  return null;
}

describe('the Node runtime', () => {
  it('refuses Node older than 22.18 (the first to run TypeScript without a flag) with a sentence, and accepts 22.18 and later', () => {
    expect(runtimeProblem('v20.20.2')).toMatch(/Node v20\.20\.2 is too old: sagabench needs Node 22\.18/);
    expect(runtimeProblem('v22.17.1')).toMatch(/too old/);
    expect(runtimeProblem('v22.18.0')).toBeNull();
    expect(runtimeProblem('v24.22.3')).toBeNull();
    expect(runtimeProblem('v26.0.0')).toBeNull();
  });

  it('runs the tests on a supported Node, whatever Node npm itself runs on', () => {
    expect(runtimeProblem(process.version), `tests ran on ${process.version} (${process.execPath})`).toBeNull();
  });

  it('prints the Node that actually runs with --version', () => {
    const r = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`sagabench 0.1.0 on Node ${process.version} (${process.execPath})`);
  });

  it('starts through its own shebang, with its V8 flag, as npx and the bin link start it', () => {
    // The first Node on PATH is the one npm put there (node_modules/.bin), as under npx.
    const PATH = [path.join(path.dirname(process.execPath)), process.env.PATH].join(path.delimiter);
    const r = spawnSync(BIN, ['--version'], { encoding: 'utf8', env: { ...process.env, PATH } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`sagabench 0.1.0 on Node ${process.version} (${process.execPath})`);
  });

  const old = systemNode();
  it.skipIf(!old || runtimeProblem(old.version) === null)(
    `exits 1 with the reason when started on an older Node (${old?.version ?? 'none found'})`,
    () => {
      const r = spawnSync(old!.path, [BIN, '--version'], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^sagabench: Node v\d+\.\d+\.\d+ is too old/);
      expect(r.stdout).toBe('');
    },
  );
});
