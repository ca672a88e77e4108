import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { provisionTables } from '../../shared/engines/provision.ts';
import { documentClient } from '../../shared/services/dynamo/document.ts';
import { commitInventory, releaseInventory, reserveInventory } from '../../shared/services/inventory.ts';
import { chargePayment } from '../../shared/services/payments.ts';
import type { Bank, Carrier, PaymentsRepo, ShipmentsRepo } from '../../shared/services/ports.ts';
import { createShipment } from '../../shared/services/shipping.ts';
import { paymentToken, address } from '../../shared/domain/simulation.ts';
import { tableReader } from '../../shared/variant/snapshot.ts';
import { checkInvariants, endsNotRead, noDeadLetters } from '../invariants.ts';
import { recordedOrderIds, thirdPartyLedger } from '../recorded-ids.ts';
import { scanTables } from '../table-scan.ts';
import type { PlannedOrder } from '../workload.ts';

const LINES = [{ sku: 'WIDGET', qty: 2, unitPriceCents: 1000 }];
const plan = (id: string, expected: PlannedOrder['expected']): PlannedOrder => ({
  input: { orderId: id, customerId: 'c1', lines: LINES, paymentToken: paymentToken('ok'), shippingAddress: address('ok') },
  expected,
  duplicate: false,
});

type Breach =
  | 'none'
  | 'stuck'
  | 'missing'
  | 'wrong-outcome'
  | 'charged-on-cancel'
  | 'shipped-on-cancel'
  | 'stock-leak'
  | 'wrong-lines'
  | 'stranger'
  | 'double-charge'
  | 'double-ship'
  | 'refund-never-sent';

/**
 * A payments or shipping service with its idempotency path bypassed, built only
 * here: the record lookup forgets, and every call to the bank or carrier gets a
 * fresh key (a coordinator that keyed by attempt). The production functions run
 * unchanged on top, so a duplicate delivery really charges (ships) twice.
 */
const forgetful = <R extends PaymentsRepo | ShipmentsRepo>(repo: R): R => ({
  ...repo,
  get: async () => undefined,
  recordOnce: repo.recordOnce,
});
let fresh = 0;
const freshKeys = <P extends Bank | Carrier>(party: P): P =>
  'charge' in party
    ? ({ ...party, charge: (c) => party.charge({ ...c, idempotencyKey: `${c.idempotencyKey}#${++fresh}` }), refund: party.refund } as P)
    : ({ ship: (c) => party.ship({ ...c, idempotencyKey: `${c.idempotencyKey}#${++fresh}` }) } as P);

// Real tables in the local DynamoDB, written by the real service functions: one
// completed and one cancelled order done right, then one kind of breach made
// on purpose. The checker must name exactly the guarantee that was broken.
describe('invariant checker', () => {
  const substrate = inject('substrate');
  let clients: AwsClients;
  beforeAll(() => {
    clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => clients.destroy());

  async function build(breach: Breach) {
    const tables = await provisionTables(clients, `inv-${breach}-${Date.now()}`);
    const read = tableReader(clients, tables);
    const doc = documentClient(clients.dynamodb);
    const { inventory, payments, shipments, bank, carrier } = read.repos;
    const stock = { WIDGET: 100 };
    await inventory.seedStock(stock);
    const setStatus = (id: string, status: string) =>
      doc.send(new PutCommand({ TableName: tables.orders, Item: { pk: id, orderId: id, status } }));

    // a: completed properly.
    // wrong-lines: the service reserves (and takes) more than the plan asked; its own record agrees with itself.
    await reserveInventory(inventory, 'a', breach === 'wrong-lines' ? [{ ...LINES[0]!, qty: 3 }] : LINES);
    const charge = { orderId: 'a', amountCents: 2000, paymentToken: paymentToken('ok'), attempt: 1 };
    await chargePayment(payments, bank, charge);
    // double-charge: the same charge delivered again to a payments service without its idempotency path.
    if (breach === 'double-charge') await chargePayment(forgetful(payments), freshKeys(bank), charge);
    const ship = { orderId: 'a', address: address('ok'), lines: LINES, attempt: 1 };
    await createShipment(shipments, carrier, ship);
    if (breach === 'double-ship') await createShipment(forgetful(shipments), freshKeys(carrier), ship);
    await commitInventory(inventory, 'a');
    if (breach !== 'stuck' && breach !== 'missing') await setStatus('a', 'COMPLETED');
    if (breach === 'stuck') await setStatus('a', 'PAYMENT_CHARGED');

    // b: cancelled properly (stock released, nothing charged or shipped)... unless this is the breach.
    await reserveInventory(inventory, 'b', LINES);
    if (breach !== 'stock-leak') await releaseInventory(inventory, 'b');
    if (breach === 'charged-on-cancel' || breach === 'refund-never-sent')
      await chargePayment(payments, bank, { orderId: 'b', amountCents: 2000, paymentToken: paymentToken('ok'), attempt: 1 });
    // refund-never-sent: the payment record says refunded, but the bank was never told (only its ledger can see that).
    if (breach === 'refund-never-sent') await payments.refund('b');
    if (breach === 'shipped-on-cancel')
      await createShipment(shipments, carrier, { orderId: 'b', address: address('ok'), lines: LINES, attempt: 1 });
    await setStatus('b', 'CANCELLED');

    // stranger: a charge and a shipment under an id the workload never placed.
    if (breach === 'stranger') {
      await chargePayment(payments, bank, { orderId: 'z', amountCents: 2000, paymentToken: paymentToken('ok'), attempt: 1 });
      await createShipment(shipments, carrier, { orderId: 'z', address: address('ok'), lines: LINES, attempt: 1 });
    }

    const planned = [plan('a', 'COMPLETED'), plan('b', breach === 'wrong-outcome' ? 'COMPLETED' : 'CANCELLED')];
    return { planned, stock, tables, read };
  }

  // As a level reads them: every table scanned once.
  async function world(breach: Breach) {
    const { planned, stock, tables } = await build(breach);
    const scanned = await scanTables(clients, tables);
    return checkInvariants(planned, stock, scanned, { recordedIds: scanned.recordedIds, placed: ['a', 'b'], ledger: scanned.ledger });
  }

  it('scans the tables to what the point reads and the key scans return', async () => {
    const { tables, read } = await build('stranger');
    const scanned = await scanTables(clients, tables);
    for (const id of ['a', 'b', 'z', 'nobody']) {
      expect(await scanned.statusOf(id)).toEqual(await read.statusOf(id));
      expect(await scanned.payments.get(id)).toEqual(await read.repos.payments.get(id));
      expect(await scanned.shipments.get(id)).toEqual(await read.repos.shipments.get(id));
      expect(await scanned.inventory.reservation(id)).toEqual(await read.repos.inventory.reservation(id));
    }
    expect(await scanned.inventory.stockOf('WIDGET')).toBe(await read.repos.inventory.stockOf('WIDGET'));
    expect(await scanned.payments.get('z')).toMatchObject({ status: 'CHARGED' });
    expect([...scanned.recordedIds].sort()).toEqual((await recordedOrderIds(clients, tables)).sort());
    expect(scanned.recordedIds).toContain('z');
    const byKey = (l: { idempotencyKey: string; kind: string }[]) =>
      [...l].sort((x, y) => (x.kind + x.idempotencyKey).localeCompare(y.kind + y.idempotencyKey));
    expect(byKey(scanned.ledger)).toEqual(byKey(await thirdPartyLedger(clients, tables)));
    expect(scanned.ledger.length).toBeGreaterThanOrEqual(4);
  });

  const NOT_ENDED = [
    'every order terminal',
    'outcome as planned',
    'money conserved',
    'shipped exactly the completed orders',
    'stock conserved',
  ];
  const failing = (r: Awaited<ReturnType<typeof world>>) => r.checks.filter((c) => !c.ok).map((c) => c.name.split(' (')[0]);

  it('passes a run that kept every guarantee', async () => {
    const r = await world('none');
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => c.name)).toContain('nothing recorded for an order nobody placed');
    expect(r.checks.map((c) => c.name)).toContain("bank's ledger: one charge per completed order, none kept on any other");
    expect(r.outcomes).toEqual({ a: 'COMPLETED', b: 'CANCELLED' });
  });

  it.each<[Breach, string[]]>([
    // Not terminal, yet charged, shipped and its stock taken: every guarantee after the first fails too.
    [
      'stuck',
      [
        ...NOT_ENDED,
        "bank's ledger: one charge per completed order, none kept on any other",
        "carrier's ledger: one shipment per completed order, none for any other",
      ],
    ],
    [
      'missing',
      [
        ...NOT_ENDED,
        "bank's ledger: one charge per completed order, none kept on any other",
        "carrier's ledger: one shipment per completed order, none for any other",
      ],
    ],
    ['wrong-outcome', ['outcome as planned']],
    // The services' tables and the third parties' ledgers are two independent witnesses: both see these.
    ['charged-on-cancel', ['money conserved', "bank's ledger: one charge per completed order, none kept on any other"]],
    [
      'shipped-on-cancel',
      ['shipped exactly the completed orders', "carrier's ledger: one shipment per completed order, none for any other"],
    ],
    // Only the ledgers see these: every service record looks right.
    ['double-charge', ["bank's ledger: one charge per completed order, none kept on any other"]],
    ['double-ship', ["carrier's ledger: one shipment per completed order, none for any other"]],
    ['refund-never-sent', ["bank's ledger: one charge per completed order, none kept on any other"]],
    ['stock-leak', ['stock conserved']],
    ['wrong-lines', ['stock conserved']],
    ['stranger', ['nothing recorded for an order nobody placed']],
  ])('catches %s', async (breach, expected) => {
    const r = await world(breach);
    expect(r.ok).toBe(false);
    expect(failing(r)).toEqual(expected);
  });

  it('fails a fault-free run whose dead-letter queues are not empty', () => {
    expect(noDeadLetters([{ queue: 'a-dlq', messages: 0 }]).ok).toBe(true);
    const full = noDeadLetters([
      { queue: 'a-dlq', messages: 0 },
      { queue: 'payments-dlq', messages: 2 },
    ]);
    expect(full).toMatchObject({ ok: false, detail: 'payments-dlq: 2' });
  });

  it("fails a run where an accepted order's end was no outcome, whatever the tables say of it", () => {
    const rec = (id: string, status: string, error?: string) => ({
      id,
      intendedAt: 0,
      submittedAt: 0,
      status,
      ...(error ? { error } : {}),
    });
    const outcomes = [rec('o1', 'COMPLETED'), rec('o2', 'CANCELLED'), rec('o3', 'REJECTED'), rec('o4', 'ABANDONED')];
    expect(endsNotRead(outcomes)).toMatchObject({ ok: true, detail: 'ok' });
    // A failed execution (here the local durable runner's) is not counted as an outcome any more than a lost order is.
    const failed = endsNotRead([
      ...outcomes,
      rec('o5', 'EXECUTION_FAILED', 'Error: checkpoint timed out'),
      rec('o6', 'LOST'),
      rec('o7', 'UNKNOWN'),
    ]);
    expect(failed.ok).toBe(false);
    expect(failed.detail).toBe('o5: EXECUTION_FAILED (Error: checkpoint timed out); o6: LOST; o7: UNKNOWN');
    const many = endsNotRead(Array.from({ length: 7 }, (_, i) => rec(`x${i}`, 'ERROR', 'refused')));
    expect(many.detail).toMatch(/x4: ERROR \(refused\); and 2 more$/);
  });
});
