import { CreateTableCommand, DescribeTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../aws/clients.ts';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { tableSpecs, type TableNames, tableNames } from '../topology/tables.ts';
import { choreographyTopology, MAX_RECEIVE_COUNT, VISIBILITY_TIMEOUT_SECONDS } from '../topology/choreography.ts';

/** Creates the tables the topology describes (idempotent: existing tables are kept). */
export async function provisionTables(clients: AwsClients, prefix: string): Promise<TableNames> {
  for (const t of tableSpecs(prefix)) {
    try {
      await clients.dynamodb.send(
        new CreateTableCommand({
          TableName: t.name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: t.partitionKey, AttributeType: 'S' },
            ...(t.sortKey ? [{ AttributeName: t.sortKey.name, AttributeType: t.sortKey.type }] : []),
          ],
          KeySchema: [
            { AttributeName: t.partitionKey, KeyType: 'HASH' },
            ...(t.sortKey ? [{ AttributeName: t.sortKey.name, KeyType: 'RANGE' as const }] : []),
          ],
        }),
      );
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
      await clients.dynamodb.send(new DescribeTableCommand({ TableName: t.name }));
    }
  }
  return tableNames(prefix);
}

export interface ProvisionedQueue {
  consumer: string;
  url: string;
  arn: string;
  dlqUrl: string;
}

export interface ProvisionedChoreography {
  topicArn: string;
  queues: Record<string, ProvisionedQueue>;
}

/** Topic, queues, DLQs with redrive, and filtered raw subscriptions, from the shared topology. */
export async function provisionChoreography(clients: AwsClients, prefix: string): Promise<ProvisionedChoreography> {
  const topology = choreographyTopology(prefix);
  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: topology.topicName }));
  const queues: Record<string, ProvisionedQueue> = {};
  for (const q of topology.queues) {
    const dlqUrl = (await clients.sqs.send(new CreateQueueCommand({ QueueName: q.dlqName }))).QueueUrl!;
    const dlqArn = await queueArnOf(clients, dlqUrl);
    const url = (
      await clients.sqs.send(
        new CreateQueueCommand({
          QueueName: q.name,
          Attributes: {
            VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
          },
        }),
      )
    ).QueueUrl!;
    const arn = await queueArnOf(clients, url);
    await subscribeQueue(clients, TopicArn!, url, arn, q.filterPolicy);
    queues[q.consumer] = { consumer: q.consumer, url, arn, dlqUrl };
  }
  return { topicArn: TopicArn!, queues };
}

/**
 * Lets the topic (and only it) send to the queue, and subscribes the queue with
 * raw delivery and a filter policy: the one way a queue joins the bus, for the
 * variant and for the floor that copies its hops.
 */
export async function subscribeQueue(
  clients: AwsClients,
  topicArn: string,
  url: string,
  arn: string,
  filterPolicy: Record<string, unknown>,
): Promise<void> {
  await clients.sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: url,
      Attributes: {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: arn,
              Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
            },
          ],
        }),
      },
    }),
  );
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: arn,
      Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify(filterPolicy) },
    }),
  );
}

async function queueArnOf(clients: AwsClients, url: string): Promise<string> {
  const r = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return r.Attributes!.QueueArn!;
}
