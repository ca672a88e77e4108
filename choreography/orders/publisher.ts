import { setTimeout as sleep } from 'node:timers/promises';
import type { AwsClients } from '../../shared/aws/clients.ts';
import type { EventStore } from './event-store.ts';
import { publishEvent } from '../bus.ts';
import { perOrderWork, pollingLoop } from '../../shared/aws/metering.ts';

/**
 * Moves stored events to the bus. At least once: an item is deleted from the
 * outbox only after the bus accepted it, so a crash in between republishes it, and
 * the same messageId lets every consumer recognise the duplicate.
 */
export class OutboxPublisher {
  private running = false;
  private loop?: Promise<void>;

  private readonly store: EventStore;
  private readonly clients: Pick<AwsClients, 'sns' | 'events'>;
  private readonly busArn: string;
  private readonly afterPublish: () => Promise<void>;
  private readonly olderThanMs: number;
  private readonly onItem: () => void;
  constructor(
    store: EventStore,
    clients: Pick<AwsClients, 'sns' | 'events'>,
    busArn: string,
    /** Test seam: runs between publish and ack, where a crash would leave a duplicate. */
    afterPublish: () => Promise<void> = async () => {},
    /** Leave items younger than this to the publish-on-commit path (0: take every item). */
    olderThanMs = 0,
    /** Called once per item handled (published and acked, or failed), for the meter. */
    onItem: () => void = () => {},
  ) {
    this.store = store;
    this.clients = clients;
    this.busArn = busArn;
    this.afterPublish = afterPublish;
    this.olderThanMs = olderThanMs;
    this.onItem = onItem;
  }

  /** Publishes everything pending now; returns how many were published. */
  async drain(): Promise<number> {
    let n = 0;
    for (;;) {
      const batch = await this.store.pendingOutbox(25, this.olderThanMs);
      if (batch.length === 0) return n;
      // The publish and ack are each item's own work (on AWS a stream-triggered Lambda does them);
      // the query for pending items is the time-based loop's, which a DynamoDB Streams trigger replaces.
      for (const item of batch) {
        this.onItem();
        await perOrderWork(async () => {
          await publishEvent(this.clients, this.busArn, item.event);
          await this.afterPublish();
          await this.store.ackOutbox(item.seq);
        });
        n++;
      }
    }
  }

  start(intervalMs = 50, onError: (err: unknown) => void = oneLinePerNewError()): void {
    if (this.running) return;
    this.running = true;
    this.loop = pollingLoop(async () => {
      while (this.running) {
        try {
          if ((await this.drain()) === 0) await sleep(intervalMs);
        } catch (err) {
          onError(err);
          await sleep(intervalMs * 4);
        }
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** A failing store (an emulator gone) fails every round alike: one line per new error, not a stack trace per round. */
function oneLinePerNewError(): (err: unknown) => void {
  let last: string | undefined;
  return (err) => {
    const line = `outbox publisher: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
    if (line !== last) console.error(line);
    last = line;
  };
}
