import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { provisionTables } from '../../shared/engines/provision.ts';
import { documentClient } from '../../shared/services/dynamo/document.ts';
import { commitInventory, releaseInventory, reserveInventory } from '../../shared/services/inventory.ts';
import { chargePayment } from '../../shared/services/payments.ts';
import { createShipment } from '../../shared/services/shipping.ts';
import { paymentToken, address } from '../../shared/domain/simulation.ts';
import { tableReader } from '../../shared/variant/snapshot.ts';
import { checkInvariants, noDeadLetters } from '../invariants.ts';
import { recordedOrderIds } from '../recorded-ids.ts';
import type { PlannedOrder } from '../workload.ts';

const LINES = [{ sku: 'WIDGET', qty: 2, unitPriceCents: 1000 }];
const plan = (id: string, expected: PlannedOrder['expected']): PlannedOrder => ({
  input: { orderId: id, customerId: 'c1', lines: LINES, paymentToken: paymentToken('ok'), shippingAddress: address('ok') },
  expected,
  duplicate: false,
});

type Breach =
  'none' | 'stuck' | 'missing' | 'wrong-outcome' | 'charged-on-cancel' | 'shipped-on-cancel' | 'stock-leak' | 'wrong-lines' | 'stranger';

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

  async function world(breach: Breach) {
    const tables = await provisionTables(clients, `inv-${breach}-${Date.now()}`);
    const read = tableReader(clients, tables);
    const doc = documentClient(clients.dynamodb);
    const { inventory, payments, shipments } = read.repos;
    const stock = { WIDGET: 100 };
    await inventory.seedStock(stock);
    const setStatus = (id: string, status: string) =>
      doc.send(new PutCommand({ TableName: tables.orders, Item: { pk: id, orderId: id, status } }));

    // a: completed properly.
    // wrong-lines: the service reserves (and takes) more than the plan asked; its own record agrees with itself.
    await reserveInventory(inventory, 'a', breach === 'wrong-lines' ? [{ ...LINES[0]!, qty: 3 }] : LINES);
    await chargePayment(payments, { orderId: 'a', amountCents: 2000, paymentToken: paymentToken('ok'), attempt: 1 });
    await createShipment(shipments, { orderId: 'a', address: address('ok'), attempt: 1 });
    await commitInventory(inventory, 'a');
    if (breach !== 'stuck' && breach !== 'missing') await setStatus('a', 'COMPLETED');
    if (breach === 'stuck') await setStatus('a', 'PAYMENT_CHARGED');

    // b: cancelled properly (stock released, nothing charged or shipped)... unless this is the breach.
    await reserveInventory(inventory, 'b', LINES);
    if (breach !== 'stock-leak') await releaseInventory(inventory, 'b');
    if (breach === 'charged-on-cancel')
      await chargePayment(payments, { orderId: 'b', amountCents: 2000, paymentToken: paymentToken('ok'), attempt: 1 });
    if (breach === 'shipped-on-cancel') await createShipment(shipments, { orderId: 'b', address: address('ok'), attempt: 1 });
    await setStatus('b', 'CANCELLED');

    // stranger: a charge and a shipment under an id the workload never placed.
    if (breach === 'stranger') {
      await chargePayment(payments, { orderId: 'z', amountCents: 2000, paymentToken: paymentToken('ok'), attempt: 1 });
      await createShipment(shipments, { orderId: 'z', address: address('ok'), attempt: 1 });
    }

    const planned = [plan('a', 'COMPLETED'), plan('b', breach === 'wrong-outcome' ? 'COMPLETED' : 'CANCELLED')];
    return checkInvariants(
      planned,
      stock,
      { ...read.repos, statusOf: read.statusOf },
      { recordedIds: await recordedOrderIds(clients, tables), placed: ['a', 'b'] },
    );
  }

  const failing = (r: Awaited<ReturnType<typeof world>>) => r.checks.filter((c) => !c.ok).map((c) => c.name.split(' (')[0]);

  it('passes a run that kept every guarantee', async () => {
    const r = await world('none');
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => c.name)).toContain('nothing recorded for an order nobody placed');
    expect(r.outcomes).toEqual({ a: 'COMPLETED', b: 'CANCELLED' });
  });

  it.each<[Breach, string[]]>([
    // Not terminal, yet charged, shipped and its stock taken: every guarantee after the first fails too.
    ['stuck', ['every order terminal', 'outcome as planned', 'money conserved', 'shipped exactly the completed orders', 'stock conserved']],
    [
      'missing',
      ['every order terminal', 'outcome as planned', 'money conserved', 'shipped exactly the completed orders', 'stock conserved'],
    ],
    ['wrong-outcome', ['outcome as planned']],
    ['charged-on-cancel', ['money conserved']],
    ['shipped-on-cancel', ['shipped exactly the completed orders']],
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
});
