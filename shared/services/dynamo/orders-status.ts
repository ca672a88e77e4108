import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TERMINAL_STATUSES, type OrderStatus } from '../../domain/order.ts';
import type { OrdersStatusRepo } from '../ports.ts';

/**
 * Updates, never puts: the status write and the cancel flag land on the same
 * item from different writers, and a put would wipe the other's attribute.
 */
export class DynamoOrdersStatusRepo implements OrdersStatusRepo {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  /**
   * A terminal status is final: task messages are delivered at least once, and
   * a redelivered early write (RecordPending after a worker crash) may arrive
   * after the order ended. The condition makes that write a no-op instead of
   * showing a finished order as PENDING.
   */
  async record(orderId: string, status: OrderStatus, failure: string | null): Promise<OrderStatus> {
    const terminal = Object.fromEntries(TERMINAL_STATUSES.map((t, i) => [`:t${i}`, t]));
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: orderId },
          UpdateExpression: 'SET orderId = :id, #s = :s, failure = :f',
          ConditionExpression: `attribute_not_exists(#s) OR #s = :s OR NOT (#s IN (${Object.keys(terminal).join(', ')}))`,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':id': orderId, ':s': status, ':f': failure, ...terminal },
        }),
      );
      return status;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const settled = await this.status(orderId);
      if (!settled) throw err;
      return settled;
    }
  }

  private async item(orderId: string): Promise<Record<string, unknown> | undefined> {
    return (await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: orderId }, ConsistentRead: true }))).Item;
  }

  async status(orderId: string): Promise<OrderStatus | undefined> {
    return (await this.item(orderId))?.status as OrderStatus | undefined;
  }

  async requestCancel(orderId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: orderId },
        UpdateExpression: 'SET cancelRequested = :t',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
  }

  async cancelRequested(orderId: string): Promise<boolean> {
    return (await this.item(orderId))?.cancelRequested === true;
  }
}
