import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { createAwsClients, endpointsSchema, type AwsClients } from '../../shared/aws/clients.ts';
import { VISIBILITY_TIMEOUT_SECONDS } from '../../shared/topology/choreography.ts';
import { PendingCompletions } from '../../shared/variant/pending.ts';
import { mergeCounts } from '../../shared/aws/metering.ts';
import { callsSince, startFloorChild, type FloorChild, type FloorTarget } from '../../shared/variant/floor.ts';
import { subscribeQueue } from '../../shared/engines/provision.ts';

export const relayConfigSchema = z.object({
  endpoints: endpointsSchema,
  topicArn: z.string(),
  /** queueUrls[i] holds the messages of hop i + 1; the last relay publishes hop queueUrls.length + 1, the done queue's. */
  queueUrls: z.array(z.string()).min(1),
});
export type RelayConfig = z.infer<typeof relayConfigSchema>;

/** A queue on the topic that takes only `hop` = `value`, raw, as the variant's subscriptions are made (provision.ts). */
async function hopQueue(clients: AwsClients, topicArn: string, name: string, value: string): Promise<string> {
  const url = (
    await clients.sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS) } }),
    )
  ).QueueUrl!;
  const arn = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  await subscribeQueue(clients, topicArn, url, arn, { hop: [value] });
  return url;
}

/**
 * The choreography's substrate alone: submit publishes hop 1, `hops` relays in a
 * child process each receive and publish the next hop on the one topic, and the
 * last hop lands in a done queue. terminalAt is the time the last relay stamped
 * just before its publish, as the variant's terminal time is its terminal
 * event's occurredAt; the done queue's delivery is after it in both.
 */
export async function choreographyFloor(clients: AwsClients, prefix: string, hops: number): Promise<FloorTarget> {
  if (clients.target.kind !== 'local') throw new Error('the choreography floor runs on the local substrate');
  if (!Number.isInteger(hops) || hops < 1) throw new Error(`hops must be a positive integer, not ${hops}`);
  const own = callsSince(clients.meter);
  const topicArn = (await clients.sns.send(new CreateTopicCommand({ Name: `${prefix}-floor-bus` }))).TopicArn!;
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
      await clients.sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify({ id }),
          MessageAttributes: { hop: { DataType: 'String', StringValue: '1' } },
        }),
      );
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
