import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../paths.ts';

/**
 * A TypeScript entry point as a child process that prints a line containing
 * `"ready"` once it works, and exits when its stdin closes: so a child can never
 * outlive the process that started it, even one killed with SIGKILL.
 */
export async function startChild(script: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (l.includes('"ready"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${script} ${args[0] ?? ''} exited during start (${code})`)));
  });
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

/** Calls `stop` once, when stdin closes or on SIGTERM/SIGINT: the child side of the contract above. */
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
  process.on('SIGINT', once);
}
