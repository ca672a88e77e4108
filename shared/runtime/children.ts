import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../paths.ts';

/** How long a child may take to say "ready" (a Temporal worker bundles its workflows first). */
export const READY_TIMEOUT_MS = 120_000;

/**
 * A TypeScript entry point as a child process that prints a line containing
 * `"ready"` once it works, and exits when its stdin closes: so a child can never
 * outlive the process that started it, even one killed with SIGKILL.
 *
 * Detached into a process group of its own: a terminal's Ctrl-C goes to the whole
 * foreground group, and a worker that died with it would leave the orders in
 * flight with nobody to finish them. The parent stops its children itself.
 */
export async function startChild(script: string, args: string[], readyTimeoutMs = READY_TIMEOUT_MS): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
    detached: true,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (l) => {
        if (l.includes('"ready"')) resolve();
      });
      child.once('exit', (code, signal) => reject(new Error(`${script} ${args[0] ?? ''} exited during start (${code ?? signal})`)));
      child.once('error', reject);
      timer = setTimeout(
        () => reject(new Error(`${script} ${args[0] ?? ''} did not say ready within ${Math.round(readyTimeoutMs / 1000)} s`)),
        readyTimeoutMs,
      );
    });
  } catch (err) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return child;
}

/** Closes each child's stdin, waits for it, and kills it if it has not gone after `graceMs`. */
export async function stopChildren(children: ChildProcess[], graceMs = 5000): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const timer = setTimeout(() => c.kill('SIGKILL'), graceMs);
          c.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          c.stdin?.end();
        }),
    ),
  );
}

/**
 * Calls `stop` once, when stdin closes or on SIGTERM: the child side of the
 * contract above. SIGINT is ignored: a Ctrl-C is the parent's to handle, and it
 * stops its children once the orders in flight have finished.
 */
export function onParentGone(stop: () => Promise<void>): void {
  let stopping = false;
  const once = () => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => process.exit(0));
  };
  process.stdin.on('end', once);
  process.stdin.resume();
  process.on('SIGTERM', once);
  process.on('SIGINT', () => {});
}
