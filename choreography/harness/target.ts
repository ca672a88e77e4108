import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { parseEvent, type DomainEvent } from '../../shared/domain/contracts.ts';
import { provisionLocal, startLocal } from '../local.ts';
import { DuplicateOrderError } from '../orders/orders-service.ts';
import { PendingCompletions } from '../../shared/variant/pending.ts';
import { readProcessReports, type VariantTarget } from '../../shared/variant/target.ts';
import { mergeCounts } from '../../shared/aws/metering.ts';
import type { BusKind } from '../../shared/engines/provision.ts';

const POLL_ERROR_PAUSE_MS = 500;

const TERMINAL = { OrderCompleted: 'COMPLETED', OrderRejected: 'REJECTED', OrderCancelled: 'CANCELLED' } as const;

/**
 * The choreography under load, on the bus it is given (SNS or EventBridge): its five service processes, orders placed
 * through the orders service with the variant's own (metered) client, and
 * completions read by the harness from the completions subscription. An order's
 * terminal time is when the orders service decided it (the event's occurredAt),
 * not when the harness happened to read the event.
 */
export async function choreographyTarget(
  variantClients: AwsClients,
  harness: AwsClients,
  prefix: string,
  bus: BusKind = 'sns',
  name = 'choreography',
): Promise<VariantTarget> {
  const config = await provisionLocal(variantClients, prefix, bus);
  const variant = await startLocal(variantClients, config);
  const pending = new PendingCompletions();
  const queueUrl = config.queues.completions!.url;
  let stopped = false;
  // Never a promise nobody awaits that can reject, and never a loop that spins: a failed receive
  // (an engine gone) pauses before the next, and a message that does not parse is skipped, not thrown.
  const poller = (async () => {
    while (!stopped) {
      let msgs: Message[];
      try {
        msgs =
          (await harness.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 })))
            .Messages ?? [];
      } catch {
        await sleep(POLL_ERROR_PAUSE_MS);
        continue;
      }
      if (!msgs.length) continue;
      for (const m of msgs) {
        let e: DomainEvent;
        try {
          e = parseEvent(m.Body!);
        } catch {
          continue;
        }
        if (e.type in TERMINAL)
          pending.resolve({ id: e.orderId, status: TERMINAL[e.type as keyof typeof TERMINAL], terminalAt: Date.parse(e.occurredAt) });
      }
      await harness.sqs
        .send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        )
        .catch(() => undefined);
    }
  })().catch(() => undefined);
  const place = (o: Parameters<VariantTarget['submit']>[1]) =>
    variant.deps.orders.placeOrder({
      orderId: o.orderId,
      customerId: o.customerId,
      lines: o.lines,
      paymentToken: o.paymentToken,
      shippingAddress: o.shippingAddress,
      ...(o.notes ? { notes: o.notes } : {}),
    });
  return {
    name,
    tables: config.tables,
    async submit(_id, order) {
      await place(order);
    },
    async submitDuplicate(order) {
      try {
        await place(order);
      } catch (err) {
        if (!(err instanceof DuplicateOrderError)) throw err;
      }
    },
    awaitTerminal: (id) => pending.wait(id),
    group: variant.group,
    // The payments service: a crash there holds money-moving messages, the case users worry about.
    faultProcess: 'payments',
    dlqs: Object.values(config.queues).flatMap((q) => (q ? [q.dlqUrl] : [])),
    workQueues: Object.entries(config.queues).flatMap(([k, q]) => (q && k !== 'completions' ? [q.url] : [])),
    async stop() {
      stopped = true;
      await variant.stop();
      await poller;
      const own = readProcessReports(config.traceDir);
      return {
        metered: mergeCounts(own.metered, variantClients.meter.snapshot()),
        traces: own.traces,
        observationFailures: own.observationFailures,
        // The completions subscription exists for the harness; it is not one of the variant's channels.
        channels: [config.busArn, ...Object.entries(config.queues).flatMap(([k, q]) => (q && k !== 'completions' ? [q.url] : []))],
        dlqs: Object.values(config.queues).flatMap((q) => (q ? [q.dlqUrl] : [])),
        binding: bus === 'sns' ? 'sns-sqs' : 'eventbridge-sqs',
        processes: variant.pids.length,
      };
    },
  };
}
