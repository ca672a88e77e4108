import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../paths.ts';

/**
 * One piece of work in a short-lived child process: `input` goes to the child's
 * stdin as one JSON line, and the child's answer comes back as one JSON line on
 * its stdout. For the harness's work after the orders (counting Temporal
 * histories, the static coupling, drawing the report): what it allocates
 * (gRPC buffers, the TypeScript compiler, Vega) is given back to the system when
 * the child exits, instead of staying in the harness's resident size for good.
 *
 * Detached into a process group of its own, as the workers are: a terminal's
 * Ctrl-C goes to the whole foreground group, and the harness, not the child,
 * decides what a Ctrl-C stops. The child exits when its stdin closes, so it never
 * outlives the harness, even one killed with SIGKILL.
 */
export function runJsonChild<T>(script: string, input: unknown, what: string, signal?: AbortSignal): Promise<T> {
  const child = spawn(process.execPath, [script], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  // The harness gone or the answer read: either way the child has nothing left to do.
  child.stdin.on('error', () => undefined);
  child.stdin.write(`${JSON.stringify(input)}\n`);
  // A stop the caller decides (a first Ctrl-C during work nobody will wait for) ends the child at once.
  const stop = () => child.kill('SIGKILL');
  if (signal?.aborted) stop();
  else signal?.addEventListener('abort', stop, { once: true });
  return new Promise<T>((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`${what}: could not start a child process (${e.message})`)));
    child.once('close', (code, exitSignal) => {
      const line = out.split('\n').find((l) => l.startsWith('{"answer":') || l.startsWith('{"error":'));
      if (code === 0 && line) {
        const parsed = JSON.parse(line) as { answer?: T; error?: string };
        if (parsed.error === undefined) return resolve(parsed.answer as T);
        return reject(new Error(`${what}: ${parsed.error}`));
      }
      if (signal?.aborted) return reject(new Error(`${what}: stopped`));
      const last = err.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`${what}: its child process exited with ${code ?? exitSignal}${last ? ` (${last})` : ''}`));
    });
  }).finally(() => {
    signal?.removeEventListener('abort', stop);
    child.stdin.end();
  });
}

/**
 * The child side: reads the one JSON line, answers with `work`'s result (or its
 * error's message) on stdout, and exits. Exits at once, unanswered, when stdin
 * closes first: its parent is gone.
 */
export function serveJsonChild<I, T>(work: (input: I) => Promise<T> | T): void {
  let buffered = '';
  let started = false;
  process.on('SIGINT', () => {});
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d: string) => {
    if (started) return;
    buffered += d;
    const nl = buffered.indexOf('\n');
    if (nl < 0) return;
    started = true;
    void (async () => {
      let line: string;
      try {
        line = JSON.stringify({ answer: await work(JSON.parse(buffered.slice(0, nl)) as I) });
      } catch (e) {
        line = JSON.stringify({ error: (e as Error).message });
      }
      process.stdout.write(`${line}\n`, () => process.exit(0));
    })();
  });
  process.stdin.on('end', () => process.exit(started ? 1 : 2));
}
