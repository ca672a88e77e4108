import { PublishCommand } from '@aws-sdk/client-sns';
import type { AwsClients } from '../shared/aws/clients.ts';
import type { DomainEvent } from '../shared/domain/contracts.ts';
import { putDomainEvents } from './eventbridge/put-events.ts';

/**
 * Publishes on the choreography's bus, whichever it is: the bus's ARN names its
 * service, an SNS topic or an EventBridge custom bus, so the services, the outbox
 * and the handlers stay the same on both and only the bus differs.
 */
export async function publishEvents(
  clients: Pick<AwsClients, 'sns' | 'events'>,
  busArn: string,
  events: readonly DomainEvent[],
): Promise<void> {
  if (!events.length) return;
  if (busService(busArn) === 'events') return putDomainEvents(clients.events, busArn, events);
  for (const event of events) await publishToTopic(clients, busArn, event);
}

export const publishEvent = (clients: Pick<AwsClients, 'sns' | 'events'>, busArn: string, event: DomainEvent): Promise<void> =>
  publishEvents(clients, busArn, [event]);

/** The event type rides as a message attribute: that is what the subscriptions' filter policies match. */
async function publishToTopic(clients: Pick<AwsClients, 'sns'>, topicArn: string, event: DomainEvent): Promise<void> {
  await clients.sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(event),
      MessageAttributes: { type: { DataType: 'String', StringValue: event.type } },
    }),
  );
}

/** `sns` or `events`; anything else is not a bus this choreography knows. */
export function busService(busArn: string): 'sns' | 'events' {
  const service = busArn.split(':')[2];
  if (service === 'sns' || service === 'events') return service;
  throw new Error(`not an SNS topic or EventBridge bus ARN: ${busArn}`);
}
