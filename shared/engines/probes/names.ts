import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../../aws/clients.ts';
import { randomUUID } from 'node:crypto';

/** Probe resources get unique names so probes can run against a substrate that is in use. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export const queueArn = (queueUrl: string, region = 'us-east-1', account = '123456789012'): string =>
  `arn:aws:sqs:${region}:${account}:${queueUrl.split('/').pop()}`;

/** An on-demand table keyed by a string `pk`: the shape every probe and test table uses. */
export async function createPkTable(clients: AwsClients, tableName: string): Promise<void> {
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
}
