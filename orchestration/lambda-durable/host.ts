import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ProcessGroup } from '../../shared/runtime/process-group.ts';
import type { HostConfig, HostDone } from './host-config.ts';

export const HOST_PROCESS = 'durable-host';

export interface DurableHost {
  group: ProcessGroup;
  /** Starts one execution in the host; resolves when it ended, rejects if the host exited first. */
  run(id: string, input: unknown): Promise<HostDone>;
  /** Closes the host's stdin: it finishes what runs, writes its meter and exits. */
  stop(): Promise<void>;
}

/**
 * The durable function's local host (host-main.ts) as a child process: what Lambda is on
 * AWS, the process the orchestration runs in, apart from the harness's.
 */
export async function startDurableHost(config: HostConfig): Promise<DurableHost> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'host-main.ts');
  const group = await ProcessGroup.start([{ name: HOST_PROCESS, script, args: [JSON.stringify(config)] }]);
  try {
    return attach(group);
  } catch (err) {
    // A host nobody talks to would keep this process from exiting.
    await group.stop();
    throw err;
  }
}

function attach(group: ProcessGroup): DurableHost {
  const child = group.processOf(HOST_PROCESS);
  const waiting = new Map<string, { resolve: (d: HostDone) => void; reject: (e: Error) => void }>();
  let exited: Error | undefined;
  createInterface({ input: child.stdout! }).on('line', (l) => {
    if (!l.startsWith('{"done"')) return;
    const d = JSON.parse(l) as HostDone;
    waiting.get(d.done)?.resolve(d);
    waiting.delete(d.done);
  });
  // Line events can trail the exit event: what the host answered before it went is read first.
  child.stdout!.once('close', () => {
    exited = new Error(`the durable function host (pid ${child.pid}) exited`);
    for (const w of waiting.values()) w.reject(exited);
    waiting.clear();
  });
  return {
    group,
    run: (id, input) =>
      new Promise((resolve, reject) => {
        if (exited) return reject(exited);
        waiting.set(id, { resolve, reject });
        child.stdin!.write(`${JSON.stringify({ id, input })}\n`);
      }),
    stop: () => group.stop(),
  };
}
