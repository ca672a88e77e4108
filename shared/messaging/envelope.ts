import { createHash, randomUUID } from 'node:crypto';
import {
  CLAIM_CHECK_THRESHOLD_BYTES,
  CONTRACT_VERSION,
  type DomainEvent,
  type EventOf,
  type EventType,
  type OrderAttachment,
  type OrderDocument,
} from '../domain/contracts.ts';

type Producer = DomainEvent['producer'];

/**
 * An event caused by another gets an id derived from the cause and its own type,
 * so a handler that runs again on a redelivered message emits the very same
 * event, and consumers that dedupe by id see a duplicate, not a new fact.
 */
export function derivedId(causeId: string, type: string): string {
  const h = createHash('sha1').update(`${causeId}/${type}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** Builds an event that follows from `cause` (same correlation, causation = the cause's id). */
export function eventFrom<K extends EventType>(
  type: K,
  payload: EventOf<K>['payload'],
  ctx: { orderId: string; producer: Producer; cause?: { messageId: string; correlationId: string }; order?: OrderAttachment },
): EventOf<K> {
  const messageId = ctx.cause ? derivedId(ctx.cause.messageId, type) : randomUUID();
  return {
    messageId,
    version: CONTRACT_VERSION,
    type,
    orderId: ctx.orderId,
    correlationId: ctx.cause?.correlationId ?? ctx.orderId,
    causationId: ctx.cause?.messageId ?? messageId,
    occurredAt: new Date().toISOString(),
    producer: ctx.producer,
    ...(ctx.order ? { order: ctx.order } : {}),
    payload,
  } as EventOf<K>;
}

export const documentBytes = (doc: OrderDocument): number => Buffer.byteLength(JSON.stringify(doc));
export const needsClaimCheck = (doc: OrderDocument): boolean => documentBytes(doc) > CLAIM_CHECK_THRESHOLD_BYTES;
