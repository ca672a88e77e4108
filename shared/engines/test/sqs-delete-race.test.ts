/**
 * The launcher's patch 17 (moto_server.py): moto's DeleteMessage rebuilt the queue's message list
 * and assigned it without a lock, so a send meanwhile was dropped and a second delete undone. Here
 * many sends and deletes meet on one queue that holds many messages (a long list makes each delete's
 * walk, the race's window, long): every message sent must be received, and none deleted may come back.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { createAwsClients, type AwsClients } from '../../aws/clients.ts';

describe('moto launcher: SQS sends and deletes at once on one queue', () => {
  const substrate = inject('substrate');
  let aws: AwsClients;
  beforeAll(() => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => aws.destroy());

  it('loses no message sent and brings back none deleted', { timeout: 120_000 }, async () => {
    const QueueUrl = (await aws.sqs.send(new CreateQueueCommand({ QueueName: `delrace-${Date.now()}` }))).QueueUrl!;
    const send = async (bodies: string[]) => {
      for (let i = 0; i < bodies.length; i += 10)
        await aws.sqs.send(
          new SendMessageBatchCommand({ QueueUrl, Entries: bodies.slice(i, i + 10).map((b, j) => ({ Id: String(j), MessageBody: b })) }),
        );
    };
    const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => `m${from + i}`);
    // A backlog first, so that each delete walks a long list.
    await Promise.all(Array.from({ length: 4 }, (_, k) => send(range(k * 500, 500))));
    const total = 2000 + 4 * 300;
    const received = new Map<string, number>();
    const deadline = Date.now() + 90_000;
    const consume = async () => {
      while (received.size < total && Date.now() < deadline) {
        const r = await aws.sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 5 }),
        );
        const msgs = r.Messages ?? [];
        for (const m of msgs) received.set(m.Body!, (received.get(m.Body!) ?? 0) + 1);
        if (msgs.length)
          await aws.sqs.send(
            new DeleteMessageBatchCommand({ QueueUrl, Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
          );
      }
    };
    // Senders and consumers side by side; then the consumers go on until every message came or 90 s passed,
    // long enough for a message whose delete was undone to come back (its visibility is 5 s).
    await Promise.all([...Array.from({ length: 4 }, (_, k) => send(range(2000 + k * 300, 300))), ...Array.from({ length: 8 }, consume)]);
    await new Promise((r) => setTimeout(r, 7_000));
    await Promise.all(
      Array.from({ length: 2 }, async () => {
        const r = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of r.Messages ?? []) received.set(m.Body!, (received.get(m.Body!) ?? 0) + 1);
      }),
    );
    const missing = range(0, total).filter((b) => !received.has(b));
    const again = [...received].filter(([, n]) => n > 1).map(([b]) => b);
    expect({ missing: missing.slice(0, 10), missingCount: missing.length, again: again.slice(0, 10), againCount: again.length }).toEqual({
      missing: [],
      missingCount: 0,
      again: [],
      againCount: 0,
    });
  });
});
