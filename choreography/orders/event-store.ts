import { randomInt } from 'node:crypto';
import {
  BatchWriteCommand,
  DeleteCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEvent, type DomainEvent } from '../../shared/domain/contracts.ts';
import { isConditionFailure } from '../../shared/services/dynamo/document.ts';

/** Optimistic concurrency lost: someone appended at the same sequence number first. */
export class ConcurrencyConflict extends Error {
  readonly orderId: string;
  readonly seq: number;
  constructor(orderId: string, seq: number) {
    super(`order ${orderId}: sequence ${seq} was taken by a concurrent writer`);
    this.orderId = orderId;
    this.seq = seq;
    this.name = 'ConcurrencyConflict';
  }
}

export interface StoredEvent {
  seq: number;
  event: DomainEvent;
}

export interface OutboxItem {
  seq: number;
  event: DomainEvent;
}

/** Outbox keys: the append's time in ms times this, plus a random tail, so they sort by time. */
const SEQ_PER_MS = 4000;

function outboxSeq(outbox: OutboxItem[], ms: number, event: DomainEvent): number {
  const seq = ms * SEQ_PER_MS + randomInt(SEQ_PER_MS);
  outbox.push({ seq, event });
  return seq;
}

/** Another write that commits with an append, or not at all (the status projection). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** BatchWriteItem's most requests per call. */
const BATCH_MAX = 25;

/** Pending-publication items live in the same table under this partition. */
// '#' cannot appear in an order id (see contracts), so no order stream can collide with it.
const OUTBOX = '#outbox';

/**
 * The orders event store: an append-only stream per order (pk = order id,
 * seq = 1, 2, ...), with a transactional outbox. Each append writes the events
 * and one outbox item per event it produced itself in ONE transaction, so "stored" and "to be
 * published" can never disagree; the publisher deletes an outbox item only after
 * SNS accepted it.
 */
export class EventStore {
  private committed?: (items: OutboxItem[]) => Promise<void>;

  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  /**
   * Called with the outbox items an append wrote, once its transaction committed
   * (the publish-on-commit path, choreography/orders/publish-on-commit.ts).
   */
  onCommitted(fn: (items: OutboxItem[]) => Promise<void>): void {
    this.committed = fn;
  }

  async load(orderId: string): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': orderId },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of r.Items ?? []) out.push({ seq: item.seq as number, event: parseEvent(item.event as string) });
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * Appends after `expectedSeq` (0 for a new stream); throws ConcurrencyConflict if that moved on.
   * `alsoWrite` commits in the same transaction (the status projection), so it is in place before
   * any reader hears of the events, and it is never behind or ahead of the stream.
   */
  async append(orderId: string, expectedSeq: number, events: DomainEvent[], alsoWrite: TransactItem[] = []): Promise<number> {
    if (events.length === 0) return expectedSeq;
    for (let attempt = 1; ; attempt++) {
      const now = Date.now();
      const outbox: OutboxItem[] = [];
      const kinds: ('stream' | 'outbox' | 'also')[] = [];
      const items: TransactItem[] = [];
      const add = (kind: (typeof kinds)[number], item: TransactItem) => {
        kinds.push(kind);
        items.push(item);
      };
      events.forEach((event, i) => {
        add('stream', {
          Put: {
            TableName: this.table,
            Item: { pk: orderId, seq: expectedSeq + 1 + i, type: event.type, messageId: event.messageId, event: JSON.stringify(event) },
            // The version check: whoever appended first took this sequence number.
            ConditionExpression: 'attribute_not_exists(seq)',
          },
        });
        // Only the orders service's own events are its to publish: another service's
        // event it records was published by that service already, and publishing it
        // again would make every consumer downstream see (and answer) it twice.
        if (event.producer === 'orders') {
          add('outbox', {
            Put: {
              TableName: this.table,
              // Ordered by time; the random tail keeps appends in one millisecond apart.
              Item: { pk: OUTBOX, seq: outboxSeq(outbox, now + i, event), orderId, event: JSON.stringify(event) },
              ConditionExpression: 'attribute_not_exists(seq)',
            },
          });
        }
      });
      for (const item of alsoWrite) add('also', item);
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // Only a clash on a stream item is a concurrent writer; one on an outbox item is a key collision.
        const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
        const failed = (kind: (typeof kinds)[number]) => reasons.some((r, i) => kinds[i] === kind && r.Code === 'ConditionalCheckFailed');
        if (reasons.length === 0 || failed('stream')) throw new ConcurrencyConflict(orderId, expectedSeq + 1);
        if (failed('also')) throw err;
        // Two appends drew the same outbox key (or, on AWS, two transactions met on an item): draw again.
        if (attempt >= 5) throw err;
        continue;
      }
      // Committed: the publish can fail without failing the append (the outbox keeps the items).
      if (outbox.length && this.committed) await this.committed(outbox).catch(() => undefined);
      return expectedSeq + events.length;
    }
  }

  /** Oldest first; with `olderThanMs`, only items appended at least that long ago. */
  async pendingOutbox(limit = 25, olderThanMs = 0): Promise<OutboxItem[]> {
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: olderThanMs > 0 ? 'pk = :pk AND seq < :before' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': OUTBOX, ...(olderThanMs > 0 ? { ':before': (Date.now() - olderThanMs) * SEQ_PER_MS } : {}) },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => ({ seq: i.seq as number, event: parseEvent(i.event as string) }));
  }

  async ackOutbox(seq: number): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: OUTBOX, seq } }));
  }

  /** Removes published items, up to 25 a call; what the table leaves unprocessed is retried a few times, then thrown. */
  async ackOutboxBatch(seqs: readonly number[]): Promise<void> {
    for (let i = 0; i < seqs.length; i += BATCH_MAX) {
      let requests = seqs.slice(i, i + BATCH_MAX).map((seq) => ({ DeleteRequest: { Key: { pk: OUTBOX, seq } } }));
      for (let attempt = 1; requests.length; attempt++) {
        const r = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = (r.UnprocessedItems?.[this.table] ?? []) as typeof requests;
        if (requests.length && attempt >= 5) throw new Error(`outbox: ${requests.length} acks left unprocessed`);
        if (requests.length) await sleep(50 * attempt);
      }
    }
  }
}
