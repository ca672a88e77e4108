import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../shared/aws/clients.ts';
import { SERVICES, parseEvent, type DomainEvent } from '../shared/domain/contracts.ts';
import { provisionChoreography, provisionTables } from '../infra/local/provision.ts';
import { PROJECT_ROOT, runDir } from '../infra/local/paths.ts';
import type { ChoreographyConfig } from './config.ts';
import { choreographyDeps, type ChoreographyDeps } from './deps.ts';

/** Creates the variant's tables, topic, queues and subscriptions on the local substrate. */
export async function provisionLocal(clients: AwsClients, prefix: string): Promise<ChoreographyConfig> {
  if (clients.target.kind !== 'local') throw new Error('provisionLocal runs against the local substrate');
  const tables = await provisionTables(clients, prefix);
  const topology = await provisionChoreography(clients, prefix);
  const traceDir = path.join(runDir(), 'traces', prefix);
  fs.mkdirSync(traceDir, { recursive: true });
  return { prefix, endpoints: clients.target.endpoints, topicArn: topology.topicArn, queues: topology.queues, tables, traceDir };
}

export interface RunningChoreography {
  config: ChoreographyConfig;
  deps: ChoreographyDeps;
  pids: number[];
  /** Terminal events for the harness, received from the completions queue. */
  nextCompletions(waitSeconds?: number): Promise<DomainEvent[]>;
  stop(): Promise<void>;
}

/** Starts one process per service; resolves once every one of them is polling. */
export async function startLocal(clients: AwsClients, config: ChoreographyConfig): Promise<RunningChoreography> {
  const configPath = path.join(config.traceDir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'consumer-main.ts');
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.stdin?.end();
          }),
      ),
    );
  };
  try {
    await Promise.all(
      SERVICES.map(async (service) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, service, configPath], {
          cwd: PROJECT_ROOT,
          stdio: ['pipe', 'pipe', 'inherit'],
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        });
        children.push(child);
        await new Promise<void>((resolve, reject) => {
          createInterface({ input: child.stdout! }).on('line', (l) => {
            if (l.includes('"ready"')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`${service} exited during start (${code})`)));
        });
      }),
    );
  } catch (err) {
    await stopAll();
    throw err;
  }
  const completions = config.queues.completions!.url;
  return {
    config,
    deps: choreographyDeps(clients, config.tables, config.topicArn),
    pids: children.map((c) => c.pid!),
    async nextCompletions(waitSeconds = 1) {
      const r = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: completions, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }));
      const msgs = r.Messages ?? [];
      if (msgs.length) {
        await clients.sqs.send(
          new DeleteMessageBatchCommand({ QueueUrl: completions, Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
        );
      }
      return msgs.map((m) => parseEvent(m.Body!));
    },
    stop: stopAll,
  };
}
