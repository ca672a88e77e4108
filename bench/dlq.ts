import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../shared/aws/clients.ts';

/** What each dead-letter queue holds after a run: a count and a few bodies, cut short, left in place. */
export async function listDlqs(clients: AwsClients, urls: string[]) {
  const out: { queue: string; messages: number; sample: string[] }[] = [];
  for (const url of urls) {
    const attrs = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const messages =
      Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    let sample: string[] = [];
    if (messages > 0) {
      // Visibility 0: the messages stay where they are for whoever inspects the DLQ next.
      const r = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 3, VisibilityTimeout: 0 }));
      sample = (r.Messages ?? []).map((m) => (m.Body ?? '').slice(0, 300));
    }
    out.push({ queue: url.replace(/^.*\//, ''), messages, sample });
  }
  return out;
}

/** Waits until the DLQs hold at least `expected` messages in all, or the time is up. */
export async function awaitDlqMessages(clients: AwsClients, urls: string[], expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const total = (await listDlqs(clients, urls)).reduce((s, d) => s + d.messages, 0);
    if (total >= expected || Date.now() > deadline) return total;
    await new Promise((r) => setTimeout(r, 500));
  }
}
