import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { orderTotal, type OrderStatus } from '../../shared/domain/order.ts';
import { ContractError, parseCommand, parsePlaceOrder, type DomainEvent, type OrderDocument } from '../../shared/domain/contracts.ts';
import { decideTerminal, evolve, INITIAL_SAGA_STATE, type OrderSagaState } from '../../shared/domain/saga.ts';
import { eventFrom } from '../../shared/messaging/envelope.ts';
import type { ClaimCheckStore } from '../../shared/messaging/claim-check.ts';
import { isConditionFailure } from '../../shared/services/dynamo/document.ts';
import { ConcurrencyConflict, type EventStore, type StoredEvent } from './event-store.ts';

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
  constructor(readonly orderId: string) {
    super(`order ${orderId} already exists`);
    this.name = 'DuplicateOrderError';
  }
}

const fold = (events: StoredEvent[]): OrderSagaState => events.reduce((s, e) => evolve(s, e.event), INITIAL_SAGA_STATE);

/**
 * The orders service, ES/CQRS: commands append to the event store (the outbox
 * publishes), reactions to other services' events append the observed event and
 * any saga decision, and the query side keeps a status projection that GetOrder
 * reads and that can be rebuilt from the store at any time.
 */
export class OrdersService {
  constructor(
    private readonly store: EventStore,
    private readonly claims: ClaimCheckStore,
    private readonly doc: DynamoDBDocumentClient,
    private readonly projectionTable: string,
  ) {}

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
    try {
      // The projection is written before the event is published: no reader hears of an order it cannot read.
      await this.store.append(orderId, 0, [event], () =>
        this.project(orderId, [{ seq: 1, event }], document.customerId, document.totalCents),
      );
    } catch (err) {
      if (err instanceof ConcurrencyConflict) throw new DuplicateOrderError(orderId);
      throw err;
    }
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
    await this.withStream(event.orderId, (state, stream) => {
      // A redelivery: the first delivery appended, then may have failed before its
      // projection write, and nothing else would ever write it again.
      if (stream.some((s) => s.event.messageId === event.messageId)) return { result: undefined, events: [], reproject: true };
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
    decide: (state: OrderSagaState, stream: StoredEvent[]) => { result: R; events: DomainEvent[]; reproject?: boolean },
  ): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const stream = await this.store.load(orderId);
      if (stream.length === 0) throw new Error(`unknown order ${orderId}`);
      const { result, events, reproject } = decide(fold(stream), stream);
      try {
        // The projection is written before the events are published: a terminal event never overtakes the status.
        const project = () => this.project(orderId, [...stream, ...events.map((event, i) => ({ seq: stream.length + 1 + i, event }))]);
        await this.store.append(orderId, stream.length, events, project);
        if (reproject) await project();
        return result;
      } catch (err) {
        if (!(err instanceof ConcurrencyConflict) || attempt >= 10) throw err;
      }
    }
  }

  /** Writes the projection unless a newer one is already there. */
  private async project(orderId: string, stream: StoredEvent[], customerId?: string, totalCents?: number): Promise<void> {
    const state = fold(stream);
    const seq = stream.at(-1)?.seq ?? 0;
    const placed = stream.find((s) => s.event.type === 'OrderPlaced')?.event;
    const document = customerId === undefined && placed ? await this.claims.load(placed.order) : undefined;
    const view: OrderView = {
      orderId,
      customerId: customerId ?? document?.customerId ?? 'unknown',
      totalCents: totalCents ?? document?.totalCents ?? 0,
      status: state.status,
      ...(state.failure ? { failure: state.failure } : {}),
      cancelRequested: state.cancelRequested,
      seq,
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.projectionTable,
          Item: { pk: orderId, ...view },
          ConditionExpression: 'attribute_not_exists(pk) OR seq < :seq',
          ExpressionAttributeValues: { ':seq': seq },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async getOrder(orderId: string): Promise<OrderView | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.projectionTable, Key: { pk: orderId }, ConsistentRead: true }));
    if (!r.Item) return undefined;
    const { pk: _pk, ...view } = r.Item;
    return view as OrderView;
  }

  /** Rebuilds one order's projection from its events alone. */
  async rebuildProjection(orderId: string): Promise<OrderView | undefined> {
    const stream = await this.store.load(orderId);
    if (stream.length === 0) return undefined;
    await this.doc.send(new PutCommand({ TableName: this.projectionTable, Item: { pk: orderId, seq: 0 } }));
    await this.project(orderId, stream);
    return this.getOrder(orderId);
  }
}
