import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Debian's Chromium, for the tests that open a page in a real browser. Playwright's
 * own browser download cannot be used here (only package registries are reachable),
 * so the browser comes from apt and playwright-core drives it by executablePath.
 */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Flags for a headless run on a closed network: without the last five Chromium keeps
 * trying to reach Google's services in the background and logs every failure.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const installed = (): string | undefined => CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p));

function apt(args: string[]): { ok: boolean; output: string } {
  try {
    const out = execFileSync('apt-get', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ok: true, output: out };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}

/**
 * The Chromium executable's path: /usr/bin/chromium when present; otherwise, as root,
 * `apt-get install -y --no-install-recommends chromium` (after `apt-get update` when
 * the package lists do not know it yet). Throws with what to do when neither works.
 */
export function ensureChromium(log: (line: string) => void = () => {}): string {
  const found = installed();
  if (found) return found;
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    throw new Error(
      'Chromium is not installed (looked for /usr/bin/chromium) and this user is not root, so it cannot be installed here: run `sudo apt-get install -y --no-install-recommends chromium` once.',
    );
  // Another test run may hold dpkg's lock: wait for it rather than fail.
  const install = ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', 'chromium'];
  const started = Date.now();
  log('installing Debian chromium with apt-get (once per machine; can take a few minutes)...');
  let r = apt(install);
  if (!r.ok) {
    // Fresh machines often have no (or stale) package lists: "Unable to locate package", 404s.
    log('apt-get install failed; running apt-get update and trying again');
    const u = apt(['-o', 'DPkg::Lock::Timeout=600', 'update']);
    if (!u.ok)
      throw new Error(`apt-get update failed, so Chromium could not be installed:\n${u.output.trim().split('\n').slice(-10).join('\n')}`);
    r = apt(install);
  }
  const path = installed();
  if (!r.ok || !path) throw new Error(`apt-get could not install chromium:\n${r.output.trim().split('\n').slice(-10).join('\n')}`);
  log(`chromium installed in ${((Date.now() - started) / 1000).toFixed(0)} s: ${path}`);
  return path;
}
