import { AsyncResource } from 'node:async_hooks';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { perOrderWork, type Meter } from '../../shared/aws/metering.ts';
import type { EventStore } from './event-store.ts';
import { publishEvents } from '../bus.ts';

/**
 * How long an outbox item waits for the publish-on-commit path before the
 * poller takes it over: long enough that the poller never races a publish in
 * flight, short enough that an event whose writer died is out within seconds.
 */
export const OUTBOX_RECOVERY_MS = 2000;

/**
 * How long a published item's removal waits to share a call with others. Well
 * inside OUTBOX_RECOVERY_MS, so the poller does not publish an item again whose
 * removal is merely waiting.
 */
export const ACK_BATCH_MS = 200;
const ACK_BATCH_MAX = 25;

/** What publish-on-commit leaves behind: published items not yet removed from the outbox. */
export interface PendingAcks {
  /** Removes every published item now (a process that stops calls it last). */
  flush(): Promise<void>;
}

/**
 * Publishes each event an append wrote to the outbox as soon as the append
 * commits: the event leaves without waiting for the outbox poller, which stays
 * the recovery path (a process that dies between commit and publish, a publish
 * that fails) and only takes items older than OUTBOX_RECOVERY_MS. The published
 * items are removed from the outbox in batches off the append's path (one
 * BatchWriteItem for up to 25, within ACK_BATCH_MS): a removal is bookkeeping
 * nobody waits for. At least once either way: a crash between publish and
 * removal republishes the same messageId, which consumers recognise.
 */
export function publishOnCommit(
  store: EventStore,
  clients: Pick<AwsClients, 'sns' | 'events'>,
  busArn: string,
  onItem: () => void = () => {},
): PendingAcks {
  const acks = new AckBatcher(store);
  // An append's items go out in one publish where the bus takes batches (PutEvents).
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
    for (const item of items) acks.add(item.seq);
  });
  return acks;
}

class AckBatcher implements PendingAcks {
  private pending: number[] = [];
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  // Bound where the batcher is made, outside any handler: a batch is no one step's call time,
  // and each removal is still its item's own work (on AWS the stream-fed publisher's).
  private readonly fire = AsyncResource.bind(() => void this.flush());

  private readonly store: EventStore;
  constructor(store: EventStore) {
    this.store = store;
  }

  add(seq: number): void {
    this.pending.push(seq);
    if (this.pending.length >= ACK_BATCH_MAX) this.fire();
    else this.timer ??= setTimeout(this.fire, ACK_BATCH_MS).unref();
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const seqs = this.pending.splice(0);
    // One batch at a time, in order: a flush returns once everything handed to it is settled.
    this.chain = this.chain.then(async () => {
      if (seqs.length === 0) return;
      try {
        await perOrderWork(() => this.store.ackOutboxBatch(seqs));
      } catch (err) {
        console.error(`outbox: ${seqs.length} published items left to the poller (${(err as Error).message})`);
      }
    });
    return this.chain;
  }
}

/**
 * On AWS the event store's stream triggers a publisher Lambda, one invocation per
 * outbox item at most; locally publish-on-commit and the recovery poller do that
 * work, and each item either handles counts the invocation AWS would bill.
 */
export const countPublisherInvocation = (meter: Meter) => (): void =>
  meter.record('lambda', 'InvokeOutboxPublisher', { calls: 1, billingChunks: 1, items: 1 });
