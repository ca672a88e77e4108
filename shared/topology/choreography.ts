import { REACTIONS } from '../domain/saga.ts';
import { EVENT_TYPES, TERMINAL_EVENTS, type EventType, type ServiceName } from '../domain/contracts.ts';

/**
 * One domain bus topic, one queue (+ DLQ) per consuming service, subscribed with a
 * filter policy on the event type. One bus rather than a topic per producer: a
 * consumer then depends only on event types (the contract), never on which
 * service produces them, so moving an event between services changes no
 * subscription. The filter policies come from the saga's REACTIONS table.
 */
export const VISIBILITY_TIMEOUT_SECONDS = 30;
/** Above RETRY_POLICY.maxAttempts: transient exhaustion is a domain outcome, the DLQ is for poison. */
export const MAX_RECEIVE_COUNT = 5;

export interface QueueSpec {
  name: string;
  dlqName: string;
  consumer: ServiceName | 'completions';
  eventTypes: readonly EventType[];
  filterPolicy: { type: string[] };
}

export interface ChoreographyTopology {
  topicName: string;
  queues: QueueSpec[];
}

export function choreographyTopology(prefix: string): ChoreographyTopology {
  const queue = (consumer: QueueSpec['consumer'], eventTypes: readonly EventType[]): QueueSpec => {
    const unknown = eventTypes.filter((t) => !EVENT_TYPES.includes(t));
    if (unknown.length) throw new Error(`REACTIONS names unknown event types: ${unknown.join(', ')}`);
    return {
      name: `${prefix}-${consumer}`,
      dlqName: `${prefix}-${consumer}-dlq`,
      consumer,
      eventTypes,
      filterPolicy: { type: [...eventTypes] },
    };
  };
  return {
    topicName: `${prefix}-bus`,
    queues: [
      ...(Object.entries(REACTIONS) as [ServiceName, readonly EventType[]][]).map(([svc, types]) => queue(svc, types)),
      // The harness learns each order's end from here, without polling the order.
      queue('completions', TERMINAL_EVENTS),
    ],
  };
}
