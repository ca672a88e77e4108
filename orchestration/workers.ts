import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessGroup } from '../shared/runtime/process-group.ts';
import { workerConfigSchema, type WorkerConfig } from './worker-config.ts';

export interface WorkerProcesses {
  pids: number[];
  /** The worker processes by name (`worker-1`, ...), for faults (crash, restart, pause). */
  group: ProcessGroup;
  stop(): Promise<void>;
}

/** Starts `count` worker processes for an orchestrated variant; `stop` ends every one of them. */
export async function startWorkerProcesses(config: WorkerConfig, count = 1): Promise<WorkerProcesses> {
  const valid = workerConfigSchema.parse(config);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-worker-'));
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(valid));
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker-main.ts');
  let group: ProcessGroup;
  try {
    group = await ProcessGroup.start(Array.from({ length: count }, (_, i) => ({ name: `worker-${i + 1}`, script, args: [configPath] })));
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    // The processes as started; after a fault restarted one, group.pids() has the new one.
    pids: group.pids(),
    group,
    async stop() {
      await group.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
