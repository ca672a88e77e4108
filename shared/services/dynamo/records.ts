import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NotificationsRepo, PaymentRecord, PaymentsRepo, ShipmentRecord, ShipmentsRepo } from '../ports.ts';
import { isConditionFailure } from './document.ts';

/** One item per order, written once: the first outcome wins and later writers read it back. */
class WriteOnceTable<R extends object> {
  protected readonly doc: DynamoDBDocumentClient;
  protected readonly table: string;
  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  async get(key: string): Promise<R | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: key }, ConsistentRead: true }));
    if (!r.Item) return undefined;
    const { pk: _pk, ...rest } = r.Item;
    return rest as R;
  }

  async putOnce(key: string, record: R): Promise<{ record: R; first: boolean }> {
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.table, Item: { pk: key, ...record }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return { record, first: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      return { record: (await this.get(key))!, first: false };
    }
  }
}

export class DynamoPaymentsRepo implements PaymentsRepo {
  private readonly t: WriteOnceTable<PaymentRecord>;
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
    this.t = new WriteOnceTable(doc, table);
  }

  get = (orderId: string) => this.t.get(`PAY#${orderId}`);
  recordOnce = async (orderId: string, record: PaymentRecord) => (await this.t.putOnce(`PAY#${orderId}`, record)).record;

  async refund(orderId: string): Promise<PaymentRecord> {
    const key = `PAY#${orderId}`;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key },
          UpdateExpression: 'SET #s = :refunded',
          ConditionExpression: '#s = :charged',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':refunded': 'REFUNDED', ':charged': 'CHARGED' },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // Nothing charged (yet): leave a VOID marker so a late charge is refused.
      await this.t.putOnce(key, { status: 'VOID' });
    }
    return (await this.t.get(key))!;
  }
}

export class DynamoShipmentsRepo implements ShipmentsRepo {
  private readonly t: WriteOnceTable<ShipmentRecord>;
  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.t = new WriteOnceTable(doc, table);
  }
  get = (orderId: string) => this.t.get(`SHIP#${orderId}`);
  recordOnce = async (orderId: string, record: ShipmentRecord) => (await this.t.putOnce(`SHIP#${orderId}`, record)).record;
}

export class DynamoNotificationsRepo implements NotificationsRepo {
  private readonly t: WriteOnceTable<{ notificationId: string }>;
  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.t = new WriteOnceTable(doc, table);
  }
  async recordOnce(orderId: string, template: string, notificationId: string) {
    const { record, first } = await this.t.putOnce(`NOTE#${orderId}#${template}`, { notificationId });
    return { first, notificationId: record.notificationId };
  }
  get = (orderId: string, template: string) => this.t.get(`NOTE#${orderId}#${template}`);
}
