import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { withFaultsInChildren } from '../../shared/aws/faults.ts';
import { tableReader } from '../../shared/variant/snapshot.ts';
import { isRunning } from '../../shared/engines/processes.ts';
import { placeAndAwaitEnd } from './driver.ts';
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
    variant = await withFaultsInChildren({ throttleCalls: [{ operation: 'dynamodb.PutItem', match: 'COMPLETED', times: 2 }] }, () =>
      startLocal(clients, config),
    );
    await variant.deps.inventory.seedStock({ WIDGET: 5 });
  });
  afterAll(async () => {
    await variant?.stop();
    clients.destroy();
  });

  it('lets the batch in hand finish: an order seen completing is COMPLETED in the tables', async () => {
    const running = variant!;
    const ended = await placeAndAwaitEnd(running, orderId, 1);
    expect(ended).toBe('OrderCompleted');
    const pids = running.pids;
    await running.stop();
    variant = undefined;
    expect(pids.filter(isRunning)).toEqual([]);
    expect((await tableReader(clients, config.tables).snapshot(orderId)).order).toBe('COMPLETED');
  });
});
