import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../shared/aws/clients.ts';
import type { TableNames, TableRole } from '../shared/topology/tables.ts';

/** How each service table keys an order; stock items (SKU#) and claim checks name no order. */
const ORDER_KEY: Partial<Record<TableRole, RegExp>> = {
  orders: /^(.+)$/,
  inventory: /^RES#(.+)$/,
  payments: /^PAY#(.+)$/,
  shipments: /^SHIP#(.+)$/,
  notifications: /^NOTE#(.+)#[^#]+$/,
};

/**
 * Every order id the service tables hold, read by a full scan: the checks that
 * look up planned ids one by one cannot see a charge or a shipment under an id
 * that nobody placed.
 */
export async function recordedOrderIds(clients: AwsClients, tables: TableNames): Promise<string[]> {
  const ids: string[] = [];
  for (const [role, pattern] of Object.entries(ORDER_KEY) as [TableRole, RegExp][]) {
    let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const page = await clients.dynamodb.send(
        new ScanCommand({ TableName: tables[role], ProjectionExpression: 'pk', ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      for (const item of page.Items ?? []) {
        const m = pattern.exec(item.pk?.S ?? '');
        if (m?.[1]) ids.push(m[1]);
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return ids;
}
