import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../shared/aws/clients.ts';
import type { TableNames, TableRole } from '../shared/topology/tables.ts';
import type { ThirdPartyAttempt } from '../shared/services/ports.ts';
import { documentClient } from '../shared/services/dynamo/document.ts';
import { readLedger } from '../shared/services/dynamo/ledger.ts';

/** How each service table keys an order; stock items (SKU#) and claim checks name no order. */
const ORDER_KEY: Partial<Record<TableRole, RegExp>> = {
  orders: /^(.+)$/,
  inventory: /^RES#(.+)$/,
  // The bank's and the carrier's ledgers share these tables (see shared/services/dynamo/ledger.ts).
  payments: /^(?:PAY#(.+)|LEDGER#bank#(.+)#[^#]+)$/,
  shipments: /^(?:SHIP#(.+)|LEDGER#carrier#(.+)#[^#]+)$/,
  notifications: /^NOTE#(.+)#[^#]+$/,
};

/** The order id an item's key names in a service table; undefined for stock items and claim checks. */
export const orderIdOfKey = (role: TableRole, pk: string): string | undefined =>
  ORDER_KEY[role]
    ?.exec(pk)
    ?.slice(1)
    .find((g) => g !== undefined);

/**
 * Every order id the service tables hold, read by a full scan: the checks that
 * look up planned ids one by one cannot see a charge or a shipment under an id
 * that nobody placed.
 */
export async function recordedOrderIds(clients: AwsClients, tables: TableNames): Promise<string[]> {
  const doc = documentClient(clients.dynamodb);
  const ids: string[] = [];
  for (const role of Object.keys(ORDER_KEY) as TableRole[])
    await scanTable(
      doc,
      tables[role],
      (pk) => {
        const id = orderIdOfKey(role, pk);
        if (id) ids.push(id);
      },
      'pk',
    );
  return ids;
}

/** Every call the bank and the carrier booked, read with the harness's own client (off every variant's bill). */
export async function thirdPartyLedger(clients: AwsClients, tables: TableNames): Promise<ThirdPartyAttempt[]> {
  const doc = documentClient(clients.dynamodb);
  return [...(await readLedger(doc, tables.payments)), ...(await readLedger(doc, tables.shipments))];
}

/** Every item of a table, without its key attribute, handed over page by page. */
export async function scanTable(
  doc: DynamoDBDocumentClient,
  table: string,
  onItem: (pk: string, item: Record<string, unknown>) => void,
  projection?: string,
): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        ...(projection ? { ProjectionExpression: projection } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const { pk, ...item } of page.Items ?? []) onItem(String(pk), item);
    start = page.LastEvaluatedKey;
  } while (start);
}
