import type { ServiceName } from '../aws/clients.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { venvBin, logFile } from '../paths.ts';
import { assertPortFree, isRunning, listensOn, startDetached, waitFor, type Announce } from './processes.ts';
import type { MotoProcess } from './state.ts';
import { PINNED } from './versions.ts';

export interface MotoPlanEntry {
  name: string;
  services: ServiceName[];
  port: number;
}

/** The moto processes to run, their services, and the port each listens on. */
export type MotoLayout = 'single' | 'split';

export function motoPlan(layout: MotoLayout, basePort: number): MotoPlanEntry[] {
  if (layout === 'single') return [{ name: 'moto', services: ['sqs', 'sns', 'sfn', 'dynamodb', 'events'], port: basePort }];
  // SNS delivers to SQS inside Publish and EventBridge inside PutEvents, so all three must share one process' memory.
  return [
    { name: 'moto-messaging', services: ['sqs', 'sns', 'events'], port: basePort },
    { name: 'moto-stepfunctions', services: ['sfn'], port: basePort + 1 },
    { name: 'moto-dynamodb', services: ['dynamodb'], port: basePort + 2 },
  ];
}

/** moto's own server entry point, with the project's SQS thread-safety patch applied first. */
const LAUNCHER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'moto_server.py');

export const motoUrl = (port: number): string => `http://127.0.0.1:${port}`;

async function answers(port: number): Promise<boolean> {
  const res = await fetch(`${motoUrl(port)}/moto-api/config`, { signal: AbortSignal.timeout(1000) });
  return res.ok;
}

/** A reset of a full emulator takes a second or two; a dead or frozen one must not hold the run. */
const MOTO_ADMIN_TIMEOUT_MS = 30_000;

/**
 * Step Functions only runs definitions when this switch is on, and the switch is
 * process memory: it must be set after every start and every reset.
 */
export async function enableStepFunctionsEngine(port: number): Promise<void> {
  const res = await fetch(`${motoUrl(port)}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
    signal: AbortSignal.timeout(MOTO_ADMIN_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`moto on port ${port} refused the Step Functions config: HTTP ${res.status}`);
}

/** Clears all emulated resources so each benchmark variant starts from the same empty state. */
export async function resetMoto(processes: MotoProcess[]): Promise<void> {
  for (const p of processes) {
    const res = await fetch(`${motoUrl(p.port)}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(MOTO_ADMIN_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`moto reset on port ${p.port} failed: HTTP ${res.status}`);
    if (p.services.includes('sfn')) await enableStepFunctionsEngine(p.port);
  }
}

/** SAGABENCH_MOTO_UNPATCHED=1 runs plain moto, to show what the launcher's patch fixes; the state and results record which ran. */
export function motoPatched(): boolean {
  return process.env.SAGABENCH_MOTO_UNPATCHED !== '1';
}

export async function checkMotoPorts(plan: MotoPlanEntry[]): Promise<void> {
  for (const entry of plan) await assertPortFree(entry.port, `moto ${entry.services.join('+')}`);
}

export async function startMoto(
  plan: MotoPlanEntry[],
  instance: string,
  onStarted: (p: MotoProcess) => void,
  announce?: Announce,
): Promise<MotoProcess[]> {
  const messaging = plan.find((e) => e.services.includes('sqs'));
  const started: MotoProcess[] = [];
  for (const entry of plan) {
    const log = logFile(instance, entry.name);
    // The Step Functions engine sends its SQS/SNS integration calls to
    // localhost:$MOTO_PORT; pointing that at the messaging process keeps the
    // callback queue where the workers poll it.
    const env = { ...process.env, MOTO_PORT: String(messaging?.port ?? entry.port) };
    const server = motoPatched() ? [venvBin('python'), LAUNCHER, `--expect-moto=${PINNED.moto}`] : [venvBin('moto_server')];
    const proc = startDetached([...server, '-H', '127.0.0.1', '-p', String(entry.port)], log, { env, ...(announce ? { announce } : {}) });
    const p: MotoProcess = { ...proc, name: entry.name, port: entry.port, services: entry.services };
    started.push(p);
    onStarted(p);
  }
  for (const p of started) {
    // Only our own process's answer counts: another that took the port between its choice and our
    // bind would answer too, while ours exits on "address in use" (two test lanes choosing free
    // ports at once did this: one lane then ran on the other's moto until that one was stopped).
    await waitFor(`moto (${p.name}, port ${p.port})`, async () => listensOn(p.pid, p.port) && (await answers(p.port)), {
      timeoutMs: 30_000,
      alive: () => isRunning(p.pid),
      log: p.log,
    });
    if (p.services.includes('sfn')) await enableStepFunctionsEngine(p.port);
  }
  return started;
}

export async function motoHealthy(p: MotoProcess): Promise<boolean> {
  return isRunning(p.pid) && (await answers(p.port).catch(() => false));
}

export function motoEndpoints(processes: MotoProcess[]): Record<ServiceName, string> {
  const find = (s: ServiceName): string => {
    const p = processes.find((x) => x.services.includes(s));
    if (!p) throw new Error(`no moto process serves ${s}`);
    return motoUrl(p.port);
  };
  return { sqs: find('sqs'), sns: find('sns'), sfn: find('sfn'), dynamodb: find('dynamodb'), events: find('events') };
}

export const MOTO_VERSION = PINNED.moto;
