import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { orderTotal, type OrderStatus } from '../../shared/domain/order.ts';
import { ContractError, parseCommand, parsePlaceOrder, type DomainEvent, type OrderDocument } from '../../shared/domain/contracts.ts';
import { decideTerminal, evolve, INITIAL_SAGA_STATE, type OrderSagaState } from '../../shared/domain/saga.ts';
import { eventFrom } from '../../shared/messaging/envelope.ts';
import type { ClaimCheckStore } from '../../shared/messaging/claim-check.ts';
import { isConditionFailure } from '../../shared/services/dynamo/document.ts';
import { retryTransient } from '../../shared/aws/transient.ts';
import { ConcurrencyConflict, type EventStore, type StoredEvent, type TransactItem } from './event-store.ts';

export interface OrderView {
  orderId: string;
  customerId: string;
  totalCents: number;
  status: OrderStatus;
  failure?: string;
  cancelRequested: boolean;
  seq: number;
}

export class DuplicateOrderError extends Error {
  readonly orderId: string;
  constructor(orderId: string) {
    super(`order ${orderId} already exists`);
    this.orderId = orderId;
    this.name = 'DuplicateOrderError';
  }
}

/** How long a place may retry transient failures: under an API gateway's 29 s, with room for the rest. */
const PLACE_RETRY_BUDGET_MS = 20_000;

const fold = (events: StoredEvent[]): OrderSagaState => events.reduce((s, e) => evolve(s, e.event), INITIAL_SAGA_STATE);

/** One order's stream as of its last append: its length, its folded state and the messages it recorded. */
interface Head {
  seq: number;
  state: OrderSagaState;
  messageIds: ReadonlySet<string>;
}

const headOf = (stream: StoredEvent[]): Head => ({
  seq: stream.at(-1)?.seq ?? 0,
  state: fold(stream),
  messageIds: new Set(stream.map((s) => s.event.messageId)),
});

const advance = (head: Head, events: DomainEvent[]): Head => ({
  seq: head.seq + events.length,
  state: events.reduce(evolve, head.state),
  messageIds: new Set([...head.messageIds, ...events.map((e) => e.messageId)]),
});

/** Heads kept in memory, the least recently appended dropped first: about a kilobyte each, and a miss costs one read. */
const HEADS_KEPT = 10_000;

/**
 * The orders service, ES/CQRS: commands append to the event store (the outbox
 * publishes), reactions to other services' events append the observed event and
 * any saga decision, and the query side keeps a status projection that GetOrder
 * reads and that can be rebuilt from the store at any time.
 */
export class OrdersService {
  /**
   * The heads this service appended last, so a hop decides without reading the stream back:
   * the append's condition on the next sequence number is the version check, and a head another
   * writer moved on (another process, a container on Lambda) fails it and is read afresh.
   */
  private readonly heads = new Map<string, Head>();

  private readonly store: EventStore;
  private readonly claims: ClaimCheckStore;
  private readonly doc: DynamoDBDocumentClient;
  private readonly projectionTable: string;
  constructor(store: EventStore, claims: ClaimCheckStore, doc: DynamoDBDocumentClient, projectionTable: string) {
    this.store = store;
    this.claims = claims;
    this.doc = doc;
    this.projectionTable = projectionTable;
  }

  /** Validates, then appends OrderPlaced; a second order with the same id is refused by the store itself. */
  async placeOrder(input: unknown): Promise<{ orderId: string; event: DomainEvent }> {
    const cmd = parsePlaceOrder(input);
    const orderId = cmd.orderId ?? `ord-${randomUUID()}`;
    const document: OrderDocument = {
      orderId,
      customerId: cmd.customerId,
      lines: cmd.lines,
      totalCents: orderTotal(cmd.lines),
      paymentToken: cmd.paymentToken,
      shippingAddress: cmd.shippingAddress,
      ...(cmd.notes !== undefined ? { notes: cmd.notes } : {}),
    };
    const event = eventFrom(
      'OrderPlaced',
      { totalCents: document.totalCents, lineCount: document.lines.length },
      {
        orderId,
        producer: 'orders',
        order: await this.claims.attach(document),
      },
    );
    const head = advance(headOf([]), [event]);
    let retried = false;
    try {
      // The projection commits with the event, so no reader hears of an order it cannot read. A throttle
      // that outlasts the SDK's attempts is this call's to retry: passed out, it failed an order the
      // caller had every reason to expect placed (a fault run's order ended at the edge with a 500).
      await retryTransient(
        () => this.store.append(orderId, 0, [event], [this.viewPut(this.viewOf(orderId, head, document.customerId, document.totalCents))]),
        Date.now() + PLACE_RETRY_BUDGET_MS,
        () => (retried = true),
      );
    } catch (err) {
      if (!(err instanceof ConcurrencyConflict)) throw err;
      // An earlier try that committed but whose answer was lost (a timeout) meets its own event: placed.
      if (!retried || (await this.store.load(orderId))[0]?.event.messageId !== event.messageId) throw new DuplicateOrderError(orderId);
    }
    this.remember(orderId, head);
    return { orderId, event };
  }

  /**
   * The command entry point (a command envelope from an API or a queue): the
   * orders service accepts PlaceOrder and CancelOrder, and nothing else.
   */
  async handleCommand(raw: string | unknown): Promise<{ orderId: string; accepted: boolean }> {
    const cmd = parseCommand(raw);
    switch (cmd.type) {
      case 'PlaceOrder': {
        if (cmd.payload.order.orderId !== undefined && cmd.payload.order.orderId !== cmd.orderId) {
          throw new ContractError('command', [
            `payload.order.orderId: '${cmd.payload.order.orderId}' differs from the envelope's '${cmd.orderId}'`,
          ]);
        }
        const { orderId } = await this.placeOrder({ ...cmd.payload.order, orderId: cmd.orderId });
        return { orderId, accepted: true };
      }
      case 'CancelOrder':
        return { orderId: cmd.orderId, accepted: (await this.cancelOrder(cmd.orderId, cmd.payload.reason)).accepted };
      default:
        throw new ContractError('command', [`type: the orders service does not handle ${cmd.type}`]);
    }
  }

  /** A customer cancel, honoured at the shipping gate; refused once the order shipped or ended. */
  async cancelOrder(orderId: string, reason = 'customer request'): Promise<{ accepted: boolean; status: OrderStatus }> {
    return this.withStream<{ accepted: boolean; status: OrderStatus }>(orderId, (state) => {
      const open = state.status === 'PENDING' || state.status === 'INVENTORY_RESERVED' || state.status === 'PAYMENT_CHARGED';
      if (!open || state.cancelRequested) return { result: { accepted: false, status: state.status }, events: [] };
      return {
        result: { accepted: true, status: state.status },
        events: [eventFrom('OrderCancelRequested', { reason }, { orderId, producer: 'orders' })],
      };
    });
  }

  /** Records another service's event once (by messageId) and appends the saga's decision, if any. */
  async observe(event: DomainEvent): Promise<void> {
    await this.withStream(event.orderId, (state, recorded) => {
      // A redelivery: the first delivery's append (and the projection with it) committed.
      if (recorded(event.messageId)) return { result: undefined, events: [] };
      const next = evolve(state, event);
      const decision = decideTerminal(next, event);
      const cause = { messageId: event.messageId, correlationId: event.correlationId };
      const decided =
        decision === undefined
          ? []
          : [
              decision.type === 'OrderCompleted'
                ? eventFrom('OrderCompleted', {}, { orderId: event.orderId, producer: 'orders', cause })
                : eventFrom(decision.type, { reason: decision.reason }, { orderId: event.orderId, producer: 'orders', cause }),
            ];
      return { result: undefined, events: [event, ...decided] };
    });
  }

  private async withStream<R>(
    orderId: string,
    decide: (state: OrderSagaState, recorded: (messageId: string) => boolean) => { result: R; events: DomainEvent[] },
  ): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      // A kept head is only ever one this service committed; a stale one fails the append below.
      // A decision that appends nothing has no append to check it, so it is taken on a fresh read.
      const kept = attempt === 1 ? this.heads.get(orderId) : undefined;
      let head = kept ?? (await this.readHead(orderId));
      let { result, events } = decide(head.state, (id) => head.messageIds.has(id));
      if (events.length === 0 && kept) {
        head = await this.readHead(orderId);
        ({ result, events } = decide(head.state, (id) => head.messageIds.has(id)));
      }
      if (events.length === 0) return result;
      const next = advance(head, events);
      try {
        await this.store.append(orderId, head.seq, events, [this.viewUpdate(orderId, next)]);
        this.remember(orderId, next);
        return result;
      } catch (err) {
        // Whatever failed (a conflict, or a commit whose answer was lost), the next try reads the stream.
        this.heads.delete(orderId);
        if (!(err instanceof ConcurrencyConflict) || attempt >= 10) throw err;
      }
    }
  }

  private async readHead(orderId: string): Promise<Head> {
    const stream = await this.store.load(orderId);
    if (stream.length === 0) throw new Error(`unknown order ${orderId}`);
    return headOf(stream);
  }

  private remember(orderId: string, head: Head): void {
    // An append returns after its publish, by which time an event it caused may have come back
    // and been appended on top: keep that newer head.
    if ((this.heads.get(orderId)?.seq ?? 0) > head.seq) return;
    this.heads.delete(orderId);
    this.heads.set(orderId, head);
    if (this.heads.size > HEADS_KEPT) this.heads.delete(this.heads.keys().next().value!);
  }

  private viewOf(orderId: string, head: Head, customerId: string, totalCents: number): OrderView {
    const { state } = head;
    return {
      orderId,
      customerId,
      totalCents,
      status: state.status,
      ...(state.failure ? { failure: state.failure } : {}),
      cancelRequested: state.cancelRequested,
      seq: head.seq,
    };
  }

  private viewPut(view: OrderView): TransactItem {
    return { Put: { TableName: this.projectionTable, Item: { pk: view.orderId, ...view } } };
  }

  /** The status fields of the view; who placed the order and its total were written with OrderPlaced. */
  private viewUpdate(orderId: string, head: Head): TransactItem {
    const { state } = head;
    return {
      Update: {
        TableName: this.projectionTable,
        Key: { pk: orderId },
        UpdateExpression: `SET #status = :status, cancelRequested = :cancel, seq = :seq${state.failure ? ', failure = :failure' : ' REMOVE failure'}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': state.status,
          ':cancel': state.cancelRequested,
          ':seq': head.seq,
          ...(state.failure ? { ':failure': state.failure } : {}),
        },
      },
    };
  }

  async getOrder(orderId: string): Promise<OrderView | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.projectionTable, Key: { pk: orderId }, ConsistentRead: true }));
    if (!r.Item) return undefined;
    const { pk: _pk, ...view } = r.Item;
    return view as OrderView;
  }

  /** Rebuilds one order's projection from its events alone; a newer one written meanwhile is left alone. */
  async rebuildProjection(orderId: string): Promise<OrderView | undefined> {
    const stream = await this.store.load(orderId);
    if (stream.length === 0) return undefined;
    const placed = stream.find((s) => s.event.type === 'OrderPlaced')?.event;
    const document = placed ? await this.claims.load(placed.order) : undefined;
    const view = this.viewOf(orderId, headOf(stream), document?.customerId ?? 'unknown', document?.totalCents ?? 0);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.projectionTable,
          Item: { pk: orderId, ...view },
          ConditionExpression: 'attribute_not_exists(pk) OR seq <= :seq',
          ExpressionAttributeValues: { ':seq': view.seq },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    return this.getOrder(orderId);
  }
}
