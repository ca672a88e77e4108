import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The document client shares the metered DynamoDB client's middleware, so its calls are counted too. */
export const documentClient = (dynamodb: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });

/**
 * A write refused by its own condition: the answer the service decides on (taken, short of stock).
 * A transaction cancelled for any other reason (another transaction on the same item at the same
 * moment, a throttle) says nothing about the condition: it is transient (shared/aws/transient.ts),
 * and read as "refused" it would reject an order whose stock is there. moto runs transactions one at
 * a time and never gives that reason; DynamoDB does under concurrent writers of one item.
 */
export const isConditionFailure = (err: unknown): boolean => {
  const e = err as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (e.name === 'ConditionalCheckFailedException') return true;
  if (e.name !== 'TransactionCanceledException') return false;
  const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return codes.includes('ConditionalCheckFailed') && codes.every((c) => c === 'ConditionalCheckFailed' || c === 'None');
};
