import { REACTIONS } from '../domain/saga.ts';
import { REDELIVERY_SECONDS } from './redelivery.ts';
import { EVENT_TYPES, TERMINAL_EVENTS, type EventType, type ServiceName } from '../domain/contracts.ts';

/**
 * One domain bus topic, one queue (+ DLQ) per consuming service, subscribed with a
 * filter policy on the event type. One bus rather than a topic per producer: a
 * consumer then depends only on event types (the contract), never on which
 * service produces them, so moving an event between services changes no
 * subscription. The filter policies come from the saga's REACTIONS table.
 */
/** The work queues' visibility timeout: the redelivery setting (redelivery.ts), 30 s unless set. */
export const VISIBILITY_TIMEOUT_SECONDS = REDELIVERY_SECONDS;
/** Above RETRY_POLICY.maxAttempts: transient exhaustion is a domain outcome, the DLQ is for poison. */
export const MAX_RECEIVE_COUNT = 5;

export interface QueueSpec {
  name: string;
  dlqName: string;
  consumer: ServiceName | 'completions';
  eventTypes: readonly EventType[];
  /** The SNS subscription's filter on the `type` message attribute. */
  filterPolicy: { type: string[] };
  /** The EventBridge rule's name and pattern: the same event types, matched on the event's content (`detail-type`). */
  ruleName: string;
  eventPattern: { source: string[]; 'detail-type': string[] };
}

export interface ChoreographyTopology {
  topicName: string;
  /** The EventBridge custom bus, for the choreography that runs on EventBridge instead of SNS. */
  busName: string;
  /** Where the AWS outbox publisher's stream failures land. */
  publisherFailuresName: string;
  queues: QueueSpec[];
}

/** The `source` of every domain event put on the EventBridge bus. */
export const EVENT_SOURCE = 'sagabench.orders';

/**
 * What an EventBridge rule hands its SQS target: the event's `detail` alone (the domain
 * event as SNS raw delivery gives it), so consumers read one message shape on either bus.
 * An input transformer rather than InputPath because the local engine honours only the former.
 */
export const DETAIL_ONLY = { InputPathsMap: { detail: '$.detail' }, InputTemplate: '<detail>' } as const;

/**
 * `bus`: which bus the queues hang off. The EventBridge choreography's queues and rules
 * carry `-eb` after the prefix, so both choreographies' stacks can sit in one account.
 */
export function choreographyTopology(prefix: string, bus: 'sns' | 'eventbridge' = 'sns'): ChoreographyTopology {
  const channels = bus === 'sns' ? prefix : `${prefix}-eb`;
  const queue = (consumer: QueueSpec['consumer'], eventTypes: readonly EventType[]): QueueSpec => {
    const unknown = eventTypes.filter((t) => !EVENT_TYPES.includes(t));
    if (unknown.length) throw new Error(`REACTIONS names unknown event types: ${unknown.join(', ')}`);
    return {
      name: `${channels}-${consumer}`,
      dlqName: `${channels}-${consumer}-dlq`,
      consumer,
      eventTypes,
      filterPolicy: { type: [...eventTypes] },
      ruleName: `${channels}-${consumer}`,
      eventPattern: { source: [EVENT_SOURCE], 'detail-type': [...eventTypes] },
    };
  };
  return {
    topicName: `${prefix}-bus`,
    busName: `${prefix}-events`,
    publisherFailuresName: `${channels}-outbox-publisher-failures`,
    queues: [
      ...(Object.entries(REACTIONS) as [ServiceName, readonly EventType[]][]).map(([svc, types]) => queue(svc, types)),
      // The harness learns each order's end from here, without polling the order.
      queue('completions', TERMINAL_EVENTS),
    ],
  };
}
