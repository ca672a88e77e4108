import { CreateTableCommand, DescribeTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../aws/clients.ts';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { tableSpecs, type TableNames, tableNames } from '../topology/tables.ts';
import {
  choreographyTopology,
  DETAIL_ONLY,
  MAX_RECEIVE_COUNT,
  VISIBILITY_TIMEOUT_SECONDS,
  type QueueSpec,
} from '../topology/choreography.ts';

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
  /** The SNS topic's ARN or the EventBridge bus's: which one the ARN's service says. */
  busArn: string;
  queues: Record<string, ProvisionedQueue>;
}

/** The bus a choreography publishes on: an SNS topic with filtered subscriptions, or an EventBridge custom bus with a rule per queue. */
export type BusKind = 'sns' | 'eventbridge';

/** The bus, queues, DLQs with redrive, and one filtered route per queue, from the shared topology. */
export async function provisionChoreography(clients: AwsClients, prefix: string, bus: BusKind = 'sns'): Promise<ProvisionedChoreography> {
  const topology = choreographyTopology(prefix, bus);
  const busArn =
    bus === 'sns'
      ? (await clients.sns.send(new CreateTopicCommand({ Name: topology.topicName }))).TopicArn!
      : (await clients.events.send(new CreateEventBusCommand({ Name: topology.busName }))).EventBusArn!;
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
    if (bus === 'sns') await subscribeQueue(clients, busArn, url, arn, q.filterPolicy);
    else await routeToQueue(clients, topology.busName, busArn, q, url, arn);
    queues[q.consumer] = { consumer: q.consumer, url, arn, dlqUrl };
  }
  return { busArn, queues };
}

/**
 * Lets the bus's rule (and only it) send to the queue, and makes the rule: the
 * queue's event pattern, the queue as its target, the event's detail as the message.
 */
export async function routeToQueue(
  clients: AwsClients,
  busName: string,
  busArn: string,
  q: Pick<QueueSpec, 'ruleName' | 'eventPattern'>,
  url: string,
  arn: string,
): Promise<void> {
  const { RuleArn } = await clients.events.send(
    new PutRuleCommand({ Name: q.ruleName, EventBusName: busName, EventPattern: JSON.stringify(q.eventPattern), State: 'ENABLED' }),
  );
  await allowSendFrom(clients, url, arn, 'events.amazonaws.com', RuleArn!);
  const put = await clients.events.send(
    new PutTargetsCommand({ Rule: q.ruleName, EventBusName: busName, Targets: [{ Id: 'queue', Arn: arn, InputTransformer: DETAIL_ONLY }] }),
  );
  if (put.FailedEntryCount) throw new Error(`rule ${q.ruleName}: target refused: ${JSON.stringify(put.FailedEntries)}`);
}

async function allowSendFrom(clients: AwsClients, url: string, arn: string, service: string, sourceArn: string): Promise<void> {
  await clients.sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: url,
      Attributes: {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: service },
              Action: 'sqs:SendMessage',
              Resource: arn,
              Condition: { ArnEquals: { 'aws:SourceArn': sourceArn } },
            },
          ],
        }),
      },
    }),
  );
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
  await allowSendFrom(clients, url, arn, 'sns.amazonaws.com', topicArn);
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
