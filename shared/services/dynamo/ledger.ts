import { randomUUID } from 'node:crypto';
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bankVerdict, carrierVerdict } from '../../domain/simulation.ts';
import { outsideTheBill } from '../../aws/metering.ts';
import type { Bank, Carrier, ThirdPartyAttempt } from '../ports.ts';

/** Ledger items live beside the service's own records under this prefix; no service key starts with it. */
export const LEDGER_PREFIX = 'LEDGER#';

/**
 * Appends one attempt, never overwriting: a fresh key per call, so a duplicate or
 * a retry shows as the extra attempt it is. Written outside the variant's bill
 * (the bank's bookkeeping is the bank's cost, not the saga's).
 */
async function book(doc: DynamoDBDocumentClient, table: string, attempt: ThirdPartyAttempt): Promise<void> {
  const pk = `${LEDGER_PREFIX}${attempt.party}#${attempt.orderId}#${randomUUID()}`;
  await outsideTheBill(() => doc.send(new PutCommand({ TableName: table, Item: { pk, ...attempt } })));
}

/** The simulated bank: its verdict is the seeded one (see simulation.ts); every call is booked in the payments table's ledger. */
export class DynamoBank implements Bank {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  async charge(c: Parameters<Bank['charge']>[0]) {
    const verdict = bankVerdict(c.paymentToken, c.attempt);
    const { paymentToken: _token, ...call } = c;
    await book(this.doc, this.table, { party: 'bank', kind: 'charge', ...call, verdict, at: new Date().toISOString() });
    return verdict;
  }

  async refund(c: Parameters<Bank['refund']>[0]) {
    await book(this.doc, this.table, { party: 'bank', kind: 'refund', ...c, at: new Date().toISOString() });
  }
}

/** The simulated carrier, booked in the shipments table's ledger. */
export class DynamoCarrier implements Carrier {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  constructor(doc: DynamoDBDocumentClient, table: string) {
    this.doc = doc;
    this.table = table;
  }

  async ship(c: Parameters<Carrier['ship']>[0]) {
    const verdict = carrierVerdict(c.address, c.attempt);
    const lines = c.lines.map((l) => ({ sku: l.sku, qty: l.qty }));
    await book(this.doc, this.table, {
      party: 'carrier',
      kind: 'ship',
      orderId: c.orderId,
      idempotencyKey: c.idempotencyKey,
      attempt: c.attempt,
      lines,
      verdict,
      at: new Date().toISOString(),
    });
    return verdict;
  }
}

/** Every attempt a ledger holds, by a full scan (the checks read it once per level, as the bank's statement). */
export async function readLedger(doc: DynamoDBDocumentClient, table: string): Promise<ThirdPartyAttempt[]> {
  const out: ThirdPartyAttempt[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': LEDGER_PREFIX },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const { pk: _pk, ...item } of page.Items ?? []) out.push(item as ThirdPartyAttempt);
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}
