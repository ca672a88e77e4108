import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { startChild, stopChildren } from '../shared/runtime/children.ts';
import { workerConfigSchema, type WorkerConfig } from './worker-config.ts';

export interface WorkerProcesses {
  pids: number[];
  stop(): Promise<void>;
}

/** Starts `count` worker processes for an orchestrated variant; `stop` ends every one of them. */
export async function startWorkerProcesses(config: WorkerConfig, count = 1): Promise<WorkerProcesses> {
  const valid = workerConfigSchema.parse(config);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-worker-'));
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(valid));
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker-main.ts');
  const started = await Promise.allSettled(Array.from({ length: count }, () => startChild(script, [configPath])));
  const children: ChildProcess[] = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const stop = async () => {
    await stopChildren(children);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { pids: children.map((c) => c.pid!), stop };
}
