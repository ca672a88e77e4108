import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import type { AwsClients } from '../../aws/clients.ts';
import { queueArn, uniqueName } from './names.ts';
import { subscribeQueue } from '../provision.ts';

export interface FanoutResult {
  topicArn: string;
  /** Message bodies each queue received, by queue role. */
  received: { inventory: string[]; payments: string[] };
  rawDelivery: boolean;
}

/** Receives until `expected` messages arrived or the deadline passes, deleting as it goes. */
export async function drain(clients: AwsClients, queueUrl: string, expected: number, timeoutMs = 5000): Promise<Message[]> {
  const got: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (got.length < expected && Date.now() < deadline) {
    const r = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
    );
    const msgs = r.Messages ?? [];
    if (msgs.length) {
      got.push(...msgs);
      await clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  }
  return got;
}

/**
 * One topic, two subscribed queues, each with a filter policy on the `type`
 * message attribute and raw delivery: the shape the choreography runs on.
 */
export async function probeFanout(clients: AwsClients): Promise<FanoutResult> {
  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: uniqueName('probe-bus') }));
  const topicArn = TopicArn!;
  const queues = {} as Record<'inventory' | 'payments', string>;
  const filters = { inventory: ['OrderPlaced'], payments: ['InventoryReserved'] };
  for (const role of ['inventory', 'payments'] as const) {
    const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: uniqueName(`probe-${role}`) }));
    queues[role] = QueueUrl!;
    // Joined to the bus the one way the variant's queues are (provision.ts).
    await subscribeQueue(clients, topicArn, QueueUrl!, queueArn(QueueUrl!), { type: filters[role] });
  }
  for (const type of ['OrderPlaced', 'InventoryReserved', 'ShipmentCreated']) {
    await clients.sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify({ type }),
        MessageAttributes: { type: { DataType: 'String', StringValue: type } },
      }),
    );
  }
  // Ask for more than the filters should let through, so a misrouted message shows up.
  const inventory = await drain(clients, queues.inventory, 2, 2500);
  const payments = await drain(clients, queues.payments, 2, 2500);
  const bodies = (ms: Message[]) => ms.map((m) => m.Body ?? '');
  return {
    topicArn,
    received: { inventory: bodies(inventory), payments: bodies(payments) },
    rawDelivery: [...inventory, ...payments].every((m) => (m.Body ?? '').startsWith('{"type"')),
  };
}
