import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../../aws/clients.ts';
import { createPkTable, uniqueName } from './names.ts';

export interface DynamoResult {
  firstWriteAccepted: boolean;
  duplicateRejected: boolean;
  storedValue: string | undefined;
  consumedWriteUnits: number;
}

/** The idempotency primitive the services build on: a conditional put refuses a second write of the same key. */
export async function probeDynamo(clients: AwsClients): Promise<DynamoResult> {
  const table = uniqueName('probe-orders');
  await createPkTable(clients, table);
  const put = (value: string) =>
    clients.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'order-1' }, value: { S: value } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  const first = await put('first');
  let duplicateRejected = false;
  try {
    await put('second');
  } catch (err) {
    duplicateRejected = err instanceof ConditionalCheckFailedException;
    if (!duplicateRejected) throw err;
  }
  const got = await clients.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'order-1' } }, ConsistentRead: true }));
  return {
    firstWriteAccepted: true,
    duplicateRejected,
    storedValue: got.Item?.value?.S,
    consumedWriteUnits: first.ConsumedCapacity?.WriteCapacityUnits ?? first.ConsumedCapacity?.CapacityUnits ?? 0,
  };
}
