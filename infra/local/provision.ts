import { CreateTableCommand, DescribeTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { tableSpecs, type TableNames, tableNames } from '../../shared/topology/tables.ts';

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
