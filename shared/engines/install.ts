import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ENGINES_LOCK } from './versions.ts';
import { toolsDir, venvBin, venvDir } from '../paths.ts';
import { UserError } from '../errors.ts';
import { acquireInstanceLock, type InstanceLock } from '../runtime/instance-lock.ts';

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
  const held = installLock(log);
  try {
    // Another command may have installed them while this one waited.
    if (markerMatches(digest)) return { installed: false, venv };
    install(lock, digest, log);
  } finally {
    held.release();
  }
  return { installed: true, venv };
}

/** The lock's name: a dot keeps it apart from every instance name the CLI accepts. */
const INSTALL_LOCK = '.engines-install';
const INSTALL_WAIT_MS = 15 * 60_000;

/**
 * One install at a time: two commands started together on a fresh clone (the test lanes, say) would
 * otherwise both build .tools/venv, one deleting it under the other. The second waits for the first
 * and then finds the engines installed; a holder that died is taken over.
 */
function installLock(log: (line: string) => void): InstanceLock {
  const until = Date.now() + INSTALL_WAIT_MS;
  for (let said = false; ; said = true) {
    try {
      return acquireInstanceLock(INSTALL_LOCK, log);
    } catch (err) {
      if (!(err instanceof UserError) || Date.now() > until) throw err;
      if (!said) log('Another command is installing the local engines; waiting for it');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
}

function install(lock: string, digest: string, log: (line: string) => void): void {
  const venv = venvDir();

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
    // --no-compile: pip compiles the bytecode one file at a time (about 19 s of a fresh clone's 40-s
    // install here); compileall below does it on every core (about 9 s on two).
    run(
      venvBin('python'),
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--require-hashes', '--no-deps', '--no-compile', '-r', lock],
      'pip install of the local engines (hash-locked)',
    );
    // Without it each engine start compiles moto anew where Python writes no bytecode (PYTHONDONTWRITEBYTECODE).
    // A file that does not compile is left to Python, as pip's own compile leaves it.
    spawnSync(venvBin('python'), ['-m', 'compileall', '-q', '-j', '0', path.join(venv, 'lib')], { stdio: 'ignore' });
    for (const bin of ['moto_server', 'temporal']) {
      if (!fs.existsSync(venvBin(bin))) throw new UserError(`The install finished but ${venvBin(bin)} is missing.`);
    }
    fs.writeFileSync(path.join(venv, MARKER), JSON.stringify({ lockSha256: digest }));
  } catch (err) {
    fs.rmSync(venv, { recursive: true, force: true });
    throw err;
  }
}
