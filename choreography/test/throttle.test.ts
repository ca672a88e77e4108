import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { withFaultsInChildren } from '../../shared/aws/faults.ts';
import { tableReader } from '../../shared/variant/snapshot.ts';
import { isRunning } from '../../shared/engines/processes.ts';
import { placeAndAwaitEnd } from './driver.ts';
import { ordersApiClient } from '../orders/api.ts';
import { address, paymentToken } from '../../shared/domain/simulation.ts';
import { provisionLocal, startLocal, type RunningChoreography } from '../local.ts';

// Issue #19, the same hole in the choreography: a handler whose DynamoDB call is
// throttled on every SDK attempt failed its record, and the redelivery came back
// at once; five such deliveries moved a healthy event to the DLQ and the order
// never ended. The throttles are aimed at one order's reservation lookup in the
// inventory service's own process.
describe('choreography: a throttle that outlasts the SDK retries', () => {
  const substrate = inject('substrate');
  const orderId = `ord-thr-chor-${Date.now()}`;
  const placedId = `ord-thr-place-${Date.now()}`;
  let clients: AwsClients;
  let variant: RunningChoreography;

  beforeAll(async () => {
    clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    const config = await provisionLocal(clients, `thr-chor-${Date.now()}`);
    // 5 deliveries x 3 SDK attempts, and one more.
    variant = await withFaultsInChildren(
      {
        throttleCalls: [
          { operation: 'dynamodb.GetItem', match: `RES#${orderId}`, times: 16 },
          // The orders API's first append: all 3 SDK attempts, and the first of the next try.
          { operation: 'dynamodb.TransactWriteItems', match: placedId, times: 4 },
        ],
      },
      () => startLocal(clients, config),
    );
    await variant.deps.inventory.seedStock({ WIDGET: 5 });
  });
  afterAll(async () => {
    const pids = variant.pids;
    await variant.stop();
    expect(pids.filter(isRunning)).toEqual([]);
    clients.destroy();
  });

  it('is retried by the handler, not redelivered into the DLQ: the order completes', async () => {
    const ended = await placeAndAwaitEnd(variant, orderId, 2);
    expect(ended).toBe('OrderCompleted');
    expect(await tableReader(clients, variant.config.tables).snapshot(orderId)).toEqual({
      order: 'COMPLETED',
      reservation: 'COMMITTED',
      payment: 'CHARGED',
      shipment: 'CREATED',
      notified: true,
    });
    expect(await variant.deps.inventory.stockOf('WIDGET')).toBe(3);
  });

  it("is retried by the orders API's place, not answered as a 500: the order is placed once and completes", async () => {
    await ordersApiClient(variant.config.traceDir)({
      orderId: placedId,
      customerId: 'c',
      lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 500 }],
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
    });
    expect((await variant.deps.store.load(placedId)).filter((s) => s.event.type === 'OrderPlaced')).toHaveLength(1);
    const deadline = Date.now() + 45_000;
    let ended: string | undefined;
    while (!ended && Date.now() < deadline) for (const e of await variant.nextCompletions(1)) if (e.orderId === placedId) ended = e.type;
    expect(ended).toBe('OrderCompleted');
  });
});
