import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { DomainEvent } from '../shared/domain/contracts.ts';

/** The event type rides as a message attribute: that is what the subscriptions' filter policies match. */
export async function publishEvent(sns: SNSClient, topicArn: string, event: DomainEvent): Promise<void> {
  await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(event),
      MessageAttributes: { type: { DataType: 'String', StringValue: event.type } },
    }),
  );
}
