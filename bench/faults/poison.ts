import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../shared/aws/clients.ts';
import type { OrderDocument } from '../../shared/domain/contracts.ts';

/** Messages no consumer can handle: each must end in its queue's DLQ, and consumption must go on. */
export function poisonBodies(): { kind: string; body: string }[] {
  return [
    { kind: 'malformed JSON', body: '{"type": "OrderPlaced", "orderId": ' },
    {
      kind: 'schema-invalid event',
      body: JSON.stringify({
        messageId: randomUUID(),
        version: 1,
        type: 'PaymentCharged',
        orderId: 'poison-order',
        payload: { amountCents: -5 },
      }),
    },
    { kind: 'oversized non-event (200 KB)', body: JSON.stringify({ junk: 'x'.repeat(200 * 1024) }) },
  ];
}

/** Orders the edge must refuse before anything is written. */
export function badOrders(base: OrderDocument): { kind: string; order: unknown }[] {
  return [
    { kind: 'no lines', order: { ...base, orderId: `${base.orderId}-bad1`, lines: [], totalCents: 0 } },
    { kind: 'negative quantity', order: { ...base, orderId: `${base.orderId}-bad2`, lines: [{ ...base.lines[0]!, qty: -1 }] } },
    { kind: 'fractional quantity', order: { ...base, orderId: `${base.orderId}-bad3`, lines: [{ ...base.lines[0]!, qty: 1.5 }] } },
  ];
}

export async function injectPoison(clients: AwsClients, queues: string[]): Promise<number> {
  let n = 0;
  for (const queue of queues)
    for (const p of poisonBodies()) {
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: p.body }));
      n++;
    }
  return n;
}
