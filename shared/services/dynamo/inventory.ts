import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderLine } from '../../domain/order.ts';
import type { InventoryRepo, ReserveOutcome } from '../ports.ts';
import { isConditionFailure } from './document.ts';

const skuKey = (sku: string) => `SKU#${sku}`;
const resKey = (orderId: string) => `RES#${orderId}`;

/**
 * Stock items and reservation items share the inventory table. A reservation and
 * its stock decrements are one transaction, so stock is never half-reserved.
 */
export class DynamoInventoryRepo implements InventoryRepo {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  async seedStock(stock: Record<string, number>): Promise<void> {
    for (const [sku, qty] of Object.entries(stock)) {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk: skuKey(sku), stock: qty } }));
    }
  }

  async stockOf(sku: string): Promise<number> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: skuKey(sku) }, ConsistentRead: true }));
    return (r.Item?.stock as number | undefined) ?? 0;
  }

  async reservation(orderId: string) {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: resKey(orderId) }, ConsistentRead: true }));
    return r.Item as { status: 'RESERVED' | 'RELEASED' | 'COMMITTED' | 'REJECTED'; lines: OrderLine[] } | undefined;
  }

  async reserve(orderId: string, lines: readonly OrderLine[]): Promise<ReserveOutcome> {
    const prior = await this.reservation(orderId);
    if (prior) return this.outcomeOf(orderId, prior);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { pk: resKey(orderId), status: 'RESERVED', lines },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...lines.map((l) => ({
              Update: {
                TableName: this.table,
                Key: { pk: skuKey(l.sku) },
                UpdateExpression: 'SET stock = stock - :q',
                ConditionExpression: 'stock >= :q',
                ExpressionAttributeValues: { ':q': l.qty },
              },
            })),
          ],
        }),
      );
      return { status: 'RESERVED', reservationId: `res-${orderId}` };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    // Either a concurrent duplicate reserved first, or stock is short.
    const raced = await this.reservation(orderId);
    if (raced) return this.outcomeOf(orderId, raced);
    const missingSkus: string[] = [];
    for (const l of lines) if ((await this.stockOf(l.sku)) < l.qty) missingSkus.push(l.sku);
    const rejected = {
      status: 'REJECTED' as const,
      lines: [...lines],
      missingSkus: missingSkus.length ? missingSkus : lines.map((l) => l.sku),
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: resKey(orderId), ...rejected },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      return this.outcomeOf(orderId, (await this.reservation(orderId))!);
    }
    return { status: 'OUT_OF_STOCK', missingSkus: rejected.missingSkus };
  }

  private outcomeOf(orderId: string, r: { status: string; missingSkus?: string[] } & Record<string, unknown>): ReserveOutcome {
    return r.status === 'REJECTED'
      ? { status: 'OUT_OF_STOCK', missingSkus: (r.missingSkus as string[] | undefined) ?? [] }
      : { status: 'RESERVED', reservationId: `res-${orderId}` };
  }

  async release(orderId: string): Promise<boolean> {
    const r = await this.reservation(orderId);
    if (!r || r.status !== 'RESERVED') return false;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: { pk: resKey(orderId) },
                UpdateExpression: 'SET #s = :released',
                ConditionExpression: '#s = :reserved',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':released': 'RELEASED', ':reserved': 'RESERVED' },
              },
            },
            ...r.lines.map((l) => ({
              Update: {
                TableName: this.table,
                Key: { pk: skuKey(l.sku) },
                UpdateExpression: 'SET stock = stock + :q',
                ExpressionAttributeValues: { ':q': l.qty },
              },
            })),
          ],
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async commit(orderId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: resKey(orderId) },
          UpdateExpression: 'SET #s = :committed',
          ConditionExpression: '#s = :reserved',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':committed': 'COMMITTED', ':reserved': 'RESERVED' },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
