import type { AwsClients } from '../../shared/aws/clients.ts';
import type { Meter } from '../../shared/aws/metering.ts';
import type { EventStore } from './event-store.ts';
import { publishEvents } from '../bus.ts';

/**
 * How long an outbox item waits for the publish-on-commit path before the
 * poller takes it over: long enough that the poller never races a publish in
 * flight, short enough that an event whose writer died is out within seconds.
 */
export const OUTBOX_RECOVERY_MS = 2000;

/**
 * Publishes each event an append wrote to the outbox as soon as the append
 * commits, then removes it from the outbox: the event leaves without waiting
 * for the outbox poller, which stays the recovery path (a process that dies
 * between commit and publish, a publish that fails) and only takes items older
 * than OUTBOX_RECOVERY_MS. At least once either way: a crash between publish and
 * removal republishes the same messageId, which consumers recognise.
 */
export function publishOnCommit(
  store: EventStore,
  clients: Pick<AwsClients, 'sns' | 'events'>,
  busArn: string,
  onItem: () => void = () => {},
): void {
  // An append's items go out in one publish where the bus takes batches (PutEvents), then each is removed.
  store.onCommitted(async (items) => {
    for (const _ of items) onItem();
    try {
      await publishEvents(
        clients,
        busArn,
        items.map((i) => i.event),
      );
    } catch (err) {
      const what = items.map((i) => `${i.event.orderId} ${i.event.type}`).join(', ');
      console.error(`outbox: ${what}: left to the poller (${(err as Error).message})`);
      return;
    }
    for (const item of items) {
      try {
        await store.ackOutbox(item.seq);
      } catch (err) {
        console.error(`outbox: ${item.event.orderId} ${item.event.type}: published, left to the poller (${(err as Error).message})`);
        return;
      }
    }
  });
}

/**
 * On AWS the event store's stream triggers a publisher Lambda, one invocation per
 * outbox item at most; locally publish-on-commit and the recovery poller do that
 * work, and each item either handles counts the invocation AWS would bill.
 */
export const countPublisherInvocation = (meter: Meter) => (): void =>
  meter.record('lambda', 'InvokeOutboxPublisher', { calls: 1, billingChunks: 1, items: 1 });
