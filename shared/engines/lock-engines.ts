// Regenerates engines.lock, the hash-locked set of everything the local engines'
// venv installs. Run it (`npm run engines:lock`) after changing PINNED in versions.ts.
// uv is a lock-generation tool only: the install itself uses plain pip with
// --require-hashes, so users need nothing beyond Python 3.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENGINES_LOCK, LOCK_PYTHON_MIN, PIP_REQUIREMENTS, UV_VERSION } from './versions.ts';
import { toolsDir } from '../paths.ts';

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

const venv = path.join(toolsDir(), 'lock-venv');
if (!fs.existsSync(path.join(venv, 'bin', 'uv'))) {
  run(process.env.SAGABENCH_PYTHON ?? 'python3', ['-m', 'venv', venv]);
  run(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `uv==${UV_VERSION}`]);
}
const input = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-lock-')), 'engines.in');
fs.writeFileSync(input, `${PIP_REQUIREMENTS.join('\n')}\n`);
run(path.join(venv, 'bin', 'uv'), [
  'pip',
  'compile',
  input,
  // One lock for every platform and supported Python, so a Mac or a newer Python installs the same pins.
  '--universal',
  '--python-version',
  LOCK_PYTHON_MIN,
  '--generate-hashes',
  '--custom-compile-command',
  'npm run engines:lock',
  '--quiet',
  '--output-file',
  ENGINES_LOCK,
]);
fs.rmSync(path.dirname(input), { recursive: true, force: true });
console.log(`Wrote ${ENGINES_LOCK}`);
