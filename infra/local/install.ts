import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PIP_REQUIREMENTS } from './versions.ts';
import { toolsDir, venvBin, venvDir } from './paths.ts';
import { UserError } from '../../shared/errors.ts';

const MARKER = '.sagabench-pins.json';

export interface InstallResult {
  installed: boolean;
  venv: string;
}

function markerMatches(): boolean {
  try {
    const pins = JSON.parse(fs.readFileSync(path.join(venvDir(), MARKER), 'utf8')) as unknown;
    return (
      JSON.stringify(pins) === JSON.stringify(PIP_REQUIREMENTS) &&
      fs.existsSync(venvBin('moto_server')) &&
      fs.existsSync(venvBin('temporal'))
    );
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
 * Installs the pinned engines into .tools/venv once. A marker written only after
 * a complete install makes the second call a no-op, and a failed install removes
 * the half-built venv so the next attempt starts clean.
 */
export function ensureTools(log: (line: string) => void = () => {}): InstallResult {
  const venv = venvDir();
  if (markerMatches()) return { installed: false, venv };

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
    log(`Installing ${PIP_REQUIREMENTS.join(', ')} (first run only)`);
    run(
      venvBin('python'),
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...PIP_REQUIREMENTS],
      'pip install of the local engines',
    );
    for (const bin of ['moto_server', 'temporal']) {
      if (!fs.existsSync(venvBin(bin))) throw new UserError(`The install finished but ${venvBin(bin)} is missing.`);
    }
    fs.writeFileSync(path.join(venv, MARKER), JSON.stringify(PIP_REQUIREMENTS));
  } catch (err) {
    fs.rmSync(venv, { recursive: true, force: true });
    throw err;
  }
  return { installed: true, venv };
}
