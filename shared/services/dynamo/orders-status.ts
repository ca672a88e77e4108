import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderStatus } from '../../domain/order.ts';
import type { OrdersStatusRepo } from '../ports.ts';

/**
 * Updates, never puts: the status write and the cancel flag land on the same
 * item from different writers, and a put would wipe the other's attribute.
 */
export class DynamoOrdersStatusRepo implements OrdersStatusRepo {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async record(orderId: string, status: OrderStatus, failure: string | null): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: orderId },
        UpdateExpression: 'SET orderId = :id, #s = :s, failure = :f',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':id': orderId, ':s': status, ':f': failure },
      }),
    );
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
