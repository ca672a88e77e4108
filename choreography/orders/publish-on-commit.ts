import type { SNSClient } from '@aws-sdk/client-sns';
import type { Meter } from '../../shared/aws/metering.ts';
import type { EventStore } from './event-store.ts';
import { publishEvent } from '../bus.ts';

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
export function publishOnCommit(store: EventStore, sns: SNSClient, topicArn: string, onItem: () => void = () => {}): void {
  store.onCommitted(async (items) => {
    for (const item of items) {
      onItem();
      try {
        await publishEvent(sns, topicArn, item.event);
        await store.ackOutbox(item.seq);
      } catch (err) {
        console.error(`outbox: ${item.event.orderId} ${item.event.type}: left to the poller (${(err as Error).message})`);
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
