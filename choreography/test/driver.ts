import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { provisionLocal, startLocal, type RunningChoreography } from '../local.ts';
import { DuplicateOrderError } from '../orders/orders-service.ts';
import { parseOrderDocument } from '../../shared/domain/contracts.ts';
import { address, paymentToken } from '../../shared/domain/simulation.ts';
import type { VariantDriver } from '../../shared/variant/driver.ts';
import type { BusKind } from '../../shared/engines/provision.ts';

export async function choreographyDriver(
  clients: AwsClients,
  prefix: string,
  bus: BusKind = 'sns',
  name = 'choreography',
): Promise<VariantDriver> {
  const variant = await startLocal(clients, await provisionLocal(clients, prefix, bus));
  const place = async (order: Parameters<VariantDriver['place']>[0]) => {
    const o = parseOrderDocument(order);
    await variant.deps.orders.placeOrder({
      orderId: o.orderId,
      customerId: o.customerId,
      lines: o.lines,
      paymentToken: o.paymentToken,
      shippingAddress: o.shippingAddress,
    });
  };
  return {
    name,
    tables: variant.config.tables,
    place,
    async placeAgain(order) {
      try {
        await place(order);
        return 'same';
      } catch (err) {
        if (err instanceof DuplicateOrderError) return 'refused';
        throw err;
      }
    },
    async cancel(orderId) {
      await variant.deps.orders.cancelOrder(orderId);
    },
    async injectPoison(body) {
      const q = variant.config.queues.inventory!;
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: body }));
      return drainDlq(clients, q.dlqUrl);
    },
    stop: () => variant.stop(),
  };
}

export async function drainDlq(clients: AwsClients, dlqUrl: string, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    if (r.Messages?.length) return r.Messages.map((m) => m.Body ?? '');
  }
  return [];
}

/** Places a healthy order of `qty` WIDGETs and returns the type of the event that ended it, if one arrives in time. */
export async function placeAndAwaitEnd(
  variant: RunningChoreography,
  orderId: string,
  qty: number,
  timeoutMs = 45_000,
): Promise<string | undefined> {
  await variant.deps.orders.placeOrder({
    orderId,
    customerId: 'c',
    lines: [{ sku: 'WIDGET', qty, unitPriceCents: 500 }],
    paymentToken: paymentToken('ok'),
    shippingAddress: address('ok'),
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) for (const e of await variant.nextCompletions(1)) if (e.orderId === orderId) return e.type;
  return undefined;
}
