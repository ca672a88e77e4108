import { ConditionalCheckFailedException, TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createAwsClients } from '../../../aws/clients.ts';
import { isTransientInfrastructureError } from '../../../aws/transient.ts';
import { provisionTables } from '../../../engines/provision.ts';
import { documentClient, isConditionFailure } from '../document.ts';

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

// A transaction cancelled by its own condition decides an order (taken, short of stock); one cancelled
// because another transaction held the item at that moment decides nothing and is tried again. DynamoDB
// gives the second under concurrent writers of one item (every order reserves the same SKUs); moto runs
// transactions one at a time and never does, so those cases are the SDK's own error classes, as the
// client would raise them from DynamoDB's answer.
describe('a refused write versus a conflicting one', () => {
  it("reads moto's cancelled transaction (a failed condition) as refused, not transient", async () => {
    const substrate = inject('substrate');
    const clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    try {
      const tables = await provisionTables(clients, `cond-${Date.now()}`);
      const doc = documentClient(clients.dynamodb);
      const put = { TableName: tables.inventory, Item: { pk: 'SKU#X', stock: 1 }, ConditionExpression: 'attribute_not_exists(pk)' };
      await doc.send(new TransactWriteCommand({ TransactItems: [{ Put: put }] }));
      const err = await doc.send(new TransactWriteCommand({ TransactItems: [{ Put: put }] })).catch((e: unknown) => e);
      expect((err as Error).name).toBe('TransactionCanceledException');
      expect(isConditionFailure(err)).toBe(true);
      expect(isTransientInfrastructureError(err)).toBe(false);
    } finally {
      clients.destroy();
    }
  });

  it('reads a transaction cancelled by a conflict or a throttle as transient, never as refused', () => {
    for (const err of [
      cancelled('None', 'TransactionConflict'),
      cancelled('ConditionalCheckFailed', 'TransactionConflict'),
      cancelled('ThrottlingError'),
    ]) {
      expect(isConditionFailure(err)).toBe(false);
      expect(isTransientInfrastructureError(err)).toBe(true);
    }
    const conflict = new TransactionConflictException({ message: 'conflict', $metadata: {} });
    expect(isConditionFailure(conflict)).toBe(false);
    expect(isTransientInfrastructureError(conflict)).toBe(true);
  });

  it('reads a failed condition as refused, with or without a transaction', () => {
    expect(isConditionFailure(cancelled('None', 'ConditionalCheckFailed'))).toBe(true);
    expect(isConditionFailure(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }))).toBe(true);
    expect(isTransientInfrastructureError(cancelled('ConditionalCheckFailed'))).toBe(false);
  });
});
