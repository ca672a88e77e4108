import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../shared/aws/clients.ts';
import { SERVICES, parseEvent, type DomainEvent } from '../shared/domain/contracts.ts';
import { provisionChoreography, provisionTables, type BusKind } from '../shared/engines/provision.ts';
import { runDir } from '../shared/paths.ts';
import { ProcessGroup } from '../shared/runtime/process-group.ts';
import type { ChoreographyConfig } from './config.ts';
import { choreographyDeps, type ChoreographyDeps } from './deps.ts';

/** Creates the variant's tables, bus (an SNS topic or an EventBridge bus), queues and routes on the local substrate. */
export async function provisionLocal(clients: AwsClients, prefix: string, bus: BusKind = 'sns'): Promise<ChoreographyConfig> {
  if (clients.target.kind !== 'local') throw new Error('provisionLocal runs against the local substrate');
  const tables = await provisionTables(clients, prefix);
  const topology = await provisionChoreography(clients, prefix, bus);
  const traceDir = path.join(runDir(), 'traces', prefix);
  fs.mkdirSync(traceDir, { recursive: true });
  return { prefix, endpoints: clients.target.endpoints, busArn: topology.busArn, queues: topology.queues, tables, traceDir };
}

export interface RunningChoreography {
  config: ChoreographyConfig;
  deps: ChoreographyDeps;
  pids: number[];
  /** The service processes by name, for faults (crash, restart, pause). */
  group: ProcessGroup;
  /** Terminal events for the harness, received from the completions queue. */
  nextCompletions(waitSeconds?: number): Promise<DomainEvent[]>;
  stop(): Promise<void>;
}

/** Starts one process per service; resolves once every one of them is polling. */
export async function startLocal(clients: AwsClients, config: ChoreographyConfig): Promise<RunningChoreography> {
  const configPath = path.join(config.traceDir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'consumer-main.ts');
  const group = await ProcessGroup.start(SERVICES.map((service) => ({ name: service, script, args: [service, configPath] })));
  const completions = config.queues.completions!.url;
  const deps = choreographyDeps(clients, config.tables, config.busArn, { publishOnCommit: true });
  return {
    config,
    deps,
    // The processes as started; after a fault restarted one, group.pids() has the new one.
    pids: group.pids(),
    group,
    async nextCompletions(waitSeconds = 1) {
      const r = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: completions, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
      );
      const msgs = r.Messages ?? [];
      if (msgs.length) {
        await clients.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: completions,
            Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
      return msgs.map((m) => parseEvent(m.Body!));
    },
    stop: async () => {
      await deps.acks?.flush();
      await group.stop();
    },
  };
}
