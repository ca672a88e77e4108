import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { FAULTS_ENV } from '../../shared/aws/faults.ts';
import { address, paymentToken } from '../../shared/domain/simulation.ts';
import { tableReader } from '../../shared/variant/snapshot.ts';
import { isRunning } from '../../shared/engines/processes.ts';
import { provisionLocal, startLocal, type RunningChoreography } from '../local.ts';
import type { ChoreographyConfig } from '../config.ts';

// Issue #19, found by the multi-seed fault benchmark (choreography, throttle,
// seed 303): the harness saw the last order's OrderCompleted on the bus and
// stopped the services while the orders service was still writing that order's
// projection, so the tables showed a completed order as SHIPPED. The projection
// write is slowed here by two throttles (the SDK's backoff), so the completion
// always arrives before it lands.
describe('choreography: stopping the services', () => {
  const substrate = inject('substrate');
  const orderId = `ord-stop-chor-${Date.now()}`;
  let clients: AwsClients;
  let config: ChoreographyConfig;
  let variant: RunningChoreography | undefined;

  beforeAll(async () => {
    clients = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    config = await provisionLocal(clients, `stop-chor-${Date.now()}`);
    process.env[FAULTS_ENV] = JSON.stringify({ throttleCalls: [{ operation: 'dynamodb.PutItem', match: 'COMPLETED', times: 2 }] });
    try {
      variant = await startLocal(clients, config);
    } finally {
      delete process.env[FAULTS_ENV];
    }
    await variant.deps.inventory.seedStock({ WIDGET: 5 });
  });
  afterAll(async () => {
    await variant?.stop();
    clients.destroy();
  });

  it('lets the batch in hand finish: an order seen completing is COMPLETED in the tables', async () => {
    const running = variant!;
    await running.deps.orders.placeOrder({
      orderId,
      customerId: 'c',
      lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 500 }],
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
    });
    const deadline = Date.now() + 45_000;
    let ended: string | undefined;
    while (!ended && Date.now() < deadline) for (const e of await running.nextCompletions(1)) if (e.orderId === orderId) ended = e.type;
    expect(ended).toBe('OrderCompleted');
    const pids = running.pids;
    await running.stop();
    variant = undefined;
    expect(pids.filter(isRunning)).toEqual([]);
    expect((await tableReader(clients, config.tables).snapshot(orderId)).order).toBe('COMPLETED');
  });
});
