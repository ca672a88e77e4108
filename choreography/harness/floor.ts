import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { CreateEventBusCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createAwsClients, endpointsSchema, type AwsClients } from '../../shared/aws/clients.ts';
import { VISIBILITY_TIMEOUT_SECONDS } from '../../shared/topology/choreography.ts';
import { PendingCompletions } from '../../shared/variant/pending.ts';
import { mergeCounts } from '../../shared/aws/metering.ts';
import { callsSince, startFloorChild, type FloorChild, type FloorTarget } from '../../shared/variant/floor.ts';
import { routeToQueue, subscribeQueue, type BusKind } from '../../shared/engines/provision.ts';
import { EVENT_SOURCE } from '../../shared/topology/choreography.ts';
import { busService } from '../bus.ts';

export const relayConfigSchema = z.object({
  endpoints: endpointsSchema,
  /** The floor's SNS topic or EventBridge bus. */
  topicArn: z.string(),
  /** queueUrls[i] holds the messages of hop i + 1; the last relay publishes hop queueUrls.length + 1, the done queue's. */
  queueUrls: z.array(z.string()).min(1),
});
export type RelayConfig = z.infer<typeof relayConfigSchema>;

/** A queue on the bus that takes only `hop` = `value`, as the variant's subscriptions or rules are made (provision.ts). */
async function hopQueue(clients: AwsClients, topicArn: string, name: string, value: string): Promise<string> {
  const url = (
    await clients.sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS) } }),
    )
  ).QueueUrl!;
  const arn = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  if (busService(topicArn) === 'sns') await subscribeQueue(clients, topicArn, url, arn, { hop: [value] });
  else await routeToQueue(clients, busNameOf(topicArn), topicArn, { ruleName: name, eventPattern: hopPattern(value) }, url, arn);
  return url;
}

const busNameOf = (busArn: string): string => busArn.split('/').pop()!;
const hopPattern = (value: string) => ({ source: [EVENT_SOURCE], 'detail-type': [`hop-${value}`] });

/** Sends a chain message on to hop `hop`, as the variant publishes (bus.ts): an SNS attribute, or an EventBridge detail-type. */
export async function publishHop(clients: AwsClients, busArn: string, body: Record<string, unknown>, hop: number): Promise<void> {
  if (busService(busArn) === 'sns') {
    await clients.sns.send(
      new PublishCommand({
        TopicArn: busArn,
        Message: JSON.stringify(body),
        MessageAttributes: { hop: { DataType: 'String', StringValue: String(hop) } },
      }),
    );
    return;
  }
  const r = await clients.events.send(
    new PutEventsCommand({
      Entries: [{ EventBusName: busArn, Source: EVENT_SOURCE, DetailType: `hop-${hop}`, Detail: JSON.stringify(body) }],
    }),
  );
  if (r.FailedEntryCount) throw new Error(`floor PutEvents refused: ${JSON.stringify(r.Entries)}`);
}

/**
 * The choreography's substrate alone: submit publishes hop 1, `hops` relays in a
 * child process each receive and publish the next hop on the one topic, and the
 * last hop lands in a done queue. terminalAt is the time the last relay stamped
 * just before its publish, as the variant's terminal time is its terminal
 * event's occurredAt; the done queue's delivery is after it in both.
 */
export async function choreographyFloor(clients: AwsClients, prefix: string, hops: number, bus: BusKind = 'sns'): Promise<FloorTarget> {
  if (clients.target.kind !== 'local') throw new Error('the choreography floor runs on the local substrate');
  if (!Number.isInteger(hops) || hops < 1) throw new Error(`hops must be a positive integer, not ${hops}`);
  const own = callsSince(clients.meter);
  const topicArn =
    bus === 'sns'
      ? (await clients.sns.send(new CreateTopicCommand({ Name: `${prefix}-floor-bus` }))).TopicArn!
      : (await clients.events.send(new CreateEventBusCommand({ Name: `${prefix}-floor-bus` }))).EventBusArn!;
  const queueUrls: string[] = [];
  for (let hop = 1; hop <= hops; hop++) queueUrls.push(await hopQueue(clients, topicArn, `${prefix}-floor-hop-${hop}`, String(hop)));
  const doneUrl = await hopQueue(clients, topicArn, `${prefix}-floor-done`, String(hops + 1));

  const config: RelayConfig = { endpoints: clients.target.endpoints, topicArn, queueUrls };
  const child: FloorChild = await startFloorChild(path.join(path.dirname(fileURLToPath(import.meta.url)), 'relay-main.ts'), [
    JSON.stringify(config),
  ]);

  // The harness reads the done queue with a client of its own: reading results is not the floor's traffic.
  const reader = createAwsClients(clients.target);
  const pending = new PendingCompletions();
  const halt = new AbortController();
  const receiver = (async () => {
    while (!halt.signal.aborted) {
      const r = await reader.sqs
        .send(new ReceiveMessageCommand({ QueueUrl: doneUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }), { abortSignal: halt.signal })
        .catch(() => ({ Messages: [] }));
      const msgs = r.Messages ?? [];
      if (!msgs.length) continue;
      for (const m of msgs) {
        try {
          const body = JSON.parse(m.Body ?? '') as { id: string; doneAt: number };
          pending.resolve({ id: body.id, status: 'DONE', terminalAt: body.doneAt });
        } catch {
          console.error(`choreography floor: not a chain message in ${doneUrl}: ${m.Body?.slice(0, 120)}`);
        }
      }
      await reader.sqs
        .send(
          new DeleteMessageBatchCommand({
            QueueUrl: doneUrl,
            Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        )
        .catch(() => undefined);
    }
  })();

  let stopping: ReturnType<FloorTarget['stop']> | undefined;
  return {
    pids: [child.pid],
    async submit(id) {
      await publishHop(clients, topicArn, { id }, 1);
    },
    awaitTerminal: (id) => pending.wait(id),
    stop: () =>
      (stopping ??= (async () => {
        try {
          halt.abort();
          await receiver;
          return { metered: mergeCounts(await child.stop(), own()), traces: [] };
        } finally {
          await child.stop();
          reader.destroy();
        }
      })()),
  };
}
