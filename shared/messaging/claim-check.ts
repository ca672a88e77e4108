import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { orderDocumentSchema, parseWith, type OrderAttachment, type OrderDocument } from '../domain/contracts.ts';
import { documentBytes, needsClaimCheck } from './envelope.ts';

/**
 * Claim check: a large order document is stored once and events carry its key;
 * a small one travels inline. Consumers call `load` either way.
 */
export class ClaimCheckStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  async attach(order: OrderDocument): Promise<OrderAttachment> {
    if (!needsClaimCheck(order)) return { inline: order };
    const key = `order-${order.orderId}`;
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk: key, document: JSON.stringify(order) } }));
    return { claimCheck: { key, bytes: documentBytes(order) } };
  }

  async load(attachment: OrderAttachment | undefined): Promise<OrderDocument> {
    if (!attachment) throw new Error('event carries no order attachment');
    if ('inline' in attachment) return attachment.inline;
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: attachment.claimCheck.key }, ConsistentRead: true }));
    if (!r.Item) throw new Error(`claim check ${attachment.claimCheck.key} not found`);
    return parseWith(orderDocumentSchema, 'claim-checked order', JSON.parse(r.Item.document as string));
  }
}
