import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
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

  it("gives the npm scripts the shebang's V8 flags, and this Node accepts them", () => {
    // --no-memory-reducer is most of the harness's CPU at one client (bench/measurement-log.md, issue #16's sixth pass):
    // a script that started the CLI without it would measure a different harness.
    const flags = fs
      .readFileSync(BIN, 'utf8')
      .split('\n')[0]!
      .replace(/^#!\/usr\/bin\/env -S node /, '')
      .split(' ');
    expect(flags).toContain('--no-memory-reducer');
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(path.dirname(BIN), '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    for (const name of ['sagabench', 'bench', 'smoke']) expect(scripts[name], name).toContain(`node ${flags.join(' ')} bench/cli/bin.mjs`);
    const r = spawnSync(process.execPath, [...flags, '-e', '0'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
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
