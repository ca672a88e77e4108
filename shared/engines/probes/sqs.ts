import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../aws/clients.ts';
import { queueArn, uniqueName } from './names.ts';
import { drain } from './fanout.ts';

export interface SqsResult {
  hiddenWhileInvisible: boolean;
  redeliveredAfterTimeout: boolean;
  receiveCountOnRedelivery: number;
  movedToDlqAfterMaxReceives: boolean;
  visibleAgainAfterChangeVisibility: boolean;
  batchSent: number;
  batchDeleted: number;
  leftAfterBatchDelete: number;
}

async function receiveOne(clients: AwsClients, url: string) {
  const r = await clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 1,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }),
  );
  return r.Messages?.[0];
}

/** Visibility timeout, ChangeMessageVisibility, DLQ redrive and batch delete: what every consumer relies on. */
export async function probeSqs(clients: AwsClients): Promise<SqsResult> {
  const dlq = (await clients.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('probe-dlq') }))).QueueUrl!;
  const url = (
    await clients.sqs.send(
      new CreateQueueCommand({
        QueueName: uniqueName('probe-work'),
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(dlq), maxReceiveCount: 2 }),
        },
      }),
    )
  ).QueueUrl!;

  await clients.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
  const first = await receiveOne(clients, url);
  const hiddenWhileInvisible = first !== undefined && (await receiveOne(clients, url)) === undefined;
  await sleep(1300);
  const second = await receiveOne(clients, url);
  const receiveCountOnRedelivery = Number(second?.Attributes?.ApproximateReceiveCount ?? 0);
  await sleep(1300);
  const third = await receiveOne(clients, url);
  const inDlq = await drain(clients, dlq, 1, 3000);

  await clients.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'retry-now' }));
  const held = await receiveOne(clients, url);
  await clients.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: held!.ReceiptHandle!, VisibilityTimeout: 0 }));
  const again = await receiveOne(clients, url);

  const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `batch-${i}` }));
  const sent = await clients.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
  const pending = [...(again ? [again] : [])];
  const deadline = Date.now() + 5000;
  while (pending.length < 11 && Date.now() < deadline) {
    const r = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }));
    pending.push(...(r.Messages ?? []));
  }
  let deleted = 0;
  for (let i = 0; i < pending.length; i += 10) {
    const chunk = pending.slice(i, i + 10);
    const d = await clients.sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })) }),
    );
    deleted += d.Successful?.length ?? 0;
  }
  const attrs = await clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    hiddenWhileInvisible,
    redeliveredAfterTimeout: second?.Body === 'poison',
    receiveCountOnRedelivery,
    movedToDlqAfterMaxReceives: third === undefined && inDlq.some((m) => m.Body === 'poison'),
    visibleAgainAfterChangeVisibility: again?.Body === 'retry-now',
    batchSent: sent.Successful?.length ?? 0,
    batchDeleted: deleted,
    leftAfterBatchDelete:
      Number(attrs.Attributes?.ApproximateNumberOfMessages ?? -1) + Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible ?? -1),
  };
}
