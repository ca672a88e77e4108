import { randomInt } from 'node:crypto';
import { DeleteCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseEvent, type DomainEvent } from '../../shared/domain/contracts.ts';
import { isConditionFailure } from '../../shared/services/dynamo/document.ts';

/** Optimistic concurrency lost: someone appended at the same sequence number first. */
export class ConcurrencyConflict extends Error {
  constructor(
    readonly orderId: string,
    readonly seq: number,
  ) {
    super(`order ${orderId}: sequence ${seq} was taken by a concurrent writer`);
    this.name = 'ConcurrencyConflict';
  }
}

export interface StoredEvent {
  seq: number;
  event: DomainEvent;
}

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
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

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

  /** Appends after `expectedSeq` (0 for a new stream); throws ConcurrencyConflict if that moved on. */
  async append(orderId: string, expectedSeq: number, events: DomainEvent[]): Promise<number> {
    if (events.length === 0) return expectedSeq;
    for (let attempt = 1; ; attempt++) {
      const now = Date.now();
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: events.flatMap((event, i) => [
              {
                Put: {
                  TableName: this.table,
                  Item: {
                    pk: orderId,
                    seq: expectedSeq + 1 + i,
                    type: event.type,
                    messageId: event.messageId,
                    event: JSON.stringify(event),
                  },
                  ConditionExpression: 'attribute_not_exists(seq)',
                },
              },
              // Only the orders service's own events are its to publish: another service's
              // event it records was published by that service already, and publishing it
              // again would make every consumer downstream see (and answer) it twice.
              ...(event.producer === 'orders'
                ? [
                    {
                      Put: {
                        TableName: this.table,
                        // Ordered by time; the random tail keeps appends in one millisecond apart.
                        Item: { pk: OUTBOX, seq: (now + i) * 4000 + randomInt(4000), orderId, event: JSON.stringify(event) },
                        ConditionExpression: 'attribute_not_exists(seq)',
                      },
                    },
                  ]
                : []),
            ]),
          }),
        );
        return expectedSeq + events.length;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // Only a clash on a stream item is a concurrent writer; one on an outbox item is a key collision.
        const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
        const streamItem = events.flatMap((e) => [true, ...(e.producer === 'orders' ? [false] : [])]);
        const streamClash = reasons.length === 0 || reasons.some((r, i) => streamItem[i] && r.Code === 'ConditionalCheckFailed');
        if (streamClash) throw new ConcurrencyConflict(orderId, expectedSeq + 1);
        // Two appends drew the same outbox key: draw again.
        if (attempt >= 5) throw err;
      }
    }
  }

  /** Oldest first. */
  async pendingOutbox(limit = 25): Promise<{ seq: number; event: DomainEvent }[]> {
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': OUTBOX },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => ({ seq: i.seq as number, event: parseEvent(i.event as string) }));
  }

  async ackOutbox(seq: number): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: OUTBOX, seq } }));
  }
}
