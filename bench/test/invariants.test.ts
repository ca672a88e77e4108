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
import { checkInvariants } from '../invariants.ts';
import type { PlannedOrder } from '../workload.ts';

const LINES = [{ sku: 'WIDGET', qty: 2, unitPriceCents: 1000 }];
const plan = (id: string, expected: PlannedOrder['expected']): PlannedOrder => ({
  input: { orderId: id, customerId: 'c1', lines: LINES, paymentToken: paymentToken('ok'), shippingAddress: address('ok') },
  expected,
  duplicate: false,
});

type Breach = 'none' | 'stuck' | 'missing' | 'wrong-outcome' | 'charged-on-cancel' | 'shipped-on-cancel' | 'stock-leak';

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
    await reserveInventory(inventory, 'a', LINES);
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

    const planned = [plan('a', 'COMPLETED'), plan('b', breach === 'wrong-outcome' ? 'COMPLETED' : 'CANCELLED')];
    return checkInvariants(planned, stock, { ...read.repos, statusOf: read.statusOf });
  }

  const failing = (r: Awaited<ReturnType<typeof world>>) => r.checks.filter((c) => !c.ok).map((c) => c.name.split(' (')[0]);

  it('passes a run that kept every guarantee', async () => {
    const r = await world('none');
    expect(r.ok).toBe(true);
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
  ])('catches %s', async (breach, expected) => {
    const r = await world(breach);
    expect(r.ok).toBe(false);
    expect(failing(r)).toEqual(expected);
  });
});
