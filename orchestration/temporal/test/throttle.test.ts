import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { Context } from '@temporalio/activity';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import { Meter } from '../../../shared/aws/metering.ts';
import { provisionTables } from '../../../shared/engines/provision.ts';
import { connectClient, resolveTemporalTarget } from '../../../shared/temporal/connection.ts';
import { connectWorker, installWorkerRuntime } from '../../../shared/temporal/worker-connection.ts';
import { address, paymentToken } from '../../../shared/domain/simulation.ts';
import { tableReader } from '../../../shared/variant/snapshot.ts';
import { createActivities } from '../activities.ts';
import type { SagaOptions, SagaResult } from '../workflow.ts';
import type { TableNames } from '../../../shared/topology/tables.ts';
import { MIN_REDELIVERY_SECONDS } from '../../../shared/topology/redelivery.ts';

// Issue #19, the same hole in Temporal: an activity whose DynamoDB call is throttled
// on every SDK attempt fails its Temporal attempt, and the shared retry policy has
// three. Nine throttles in a row spent them all and cancelled a healthy order.
describe('temporal: a throttle that outlasts the SDK retries', () => {
  const substrate = inject('substrate');
  let aws: AwsClients;
  beforeAll(() => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => aws.destroy());

  /** Runs one order of 2 WIDGETs through the saga on a worker with these activities, and checks it completed in full. */
  async function expectCompleted(
    tables: TableNames,
    orderId: string,
    activities: object,
    token: string,
    options: SagaOptions = {},
  ): Promise<void> {
    const read = tableReader(aws, tables);
    installWorkerRuntime();
    const target = resolveTemporalTarget({ address: substrate.temporal.address, namespace: substrate.temporal.namespace });
    const connection = await connectWorker(target);
    const worker = await Worker.create({
      connection,
      namespace: target.namespace,
      taskQueue: orderId,
      workflowsPath: fileURLToPath(new URL('../workflow.ts', import.meta.url)),
      activities,
    });
    const { client, connection: clientConnection } = await connectClient(target);
    try {
      const lines = [{ sku: 'WIDGET', qty: 2, unitPriceCents: 500 }];
      const result = (await worker.runUntil(
        client.workflow.execute('orderSaga', {
          taskQueue: orderId,
          workflowId: orderId,
          args: [{ orderId, customerId: 'c', lines, totalCents: 1000, paymentToken: token, shippingAddress: address('ok') }, options],
        }),
      )) as SagaResult;
      expect(result.status).toBe('COMPLETED');
      expect(await read.snapshot(orderId)).toEqual({
        order: 'COMPLETED',
        reservation: 'COMMITTED',
        payment: 'CHARGED',
        shipment: 'CREATED',
        notified: true,
      });
      expect(await read.repos.inventory.stockOf('WIDGET')).toBe(3);
    } finally {
      await clientConnection.close();
      await connection.close();
    }
  }

  it('is retried inside the activity, not counted against its attempts: the order completes', async () => {
    const tables = await provisionTables(aws, `thr-tmp-${Date.now()}`);
    const read = tableReader(aws, tables);
    await read.repos.inventory.seedStock({ WIDGET: 5 });
    const orderId = `thr-tmp-${Date.now()}`;
    // The reservation lookup that opens the reserve step, throttled through three SDK rounds.
    const faulty = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints }, new Meter(), {
      throttlePct: 0,
      duplicatePct: 0,
      seed: 1,
      throttleCalls: [{ operation: 'dynamodb.GetItem', match: orderId, times: 9 }],
    });
    try {
      await expectCompleted(tables, orderId, createActivities(faulty, tables), paymentToken('ok'));
      expect(faulty.meter.get('dynamodb', 'GetItem')?.throttles).toBe(9);
    } finally {
      faulty.destroy();
    }
  });

  // Found by the multi-seed benchmark: the pause fault froze the worker past the 30 s
  // start-to-close timeout while a charge or shipment was on its last business
  // attempt, and the timed-out attempt exhausted the policy: CANCELLED (once with
  // the parcel already shipped). A worker that sleeps through that attempt does the same.
  // The saga's shortest timeout (the redelivery setting's least, 10 s) is what the test waits out.
  it(
    'an attempt that times out on the last business attempt is retried, not the order failure: the order completes',
    { timeout: 90_000 },
    async () => {
      const tables = await provisionTables(aws, `thr-tmo-${Date.now()}`);
      const read = tableReader(aws, tables);
      await read.repos.inventory.seedStock({ WIDGET: 5 });
      const orderId = `thr-tmo-${Date.now()}`;
      const real = createActivities(aws, tables);
      const activities = {
        ...real,
        charge: async (...args: Parameters<typeof real.charge>) => {
          if (Context.current().info.attempt === 3) await Context.current().sleep(2 * MIN_REDELIVERY_SECONDS * 1000);
          return real.charge(...args);
        },
      };
      // Two transient bank failures: the charge goes through on its third attempt, the last business one.
      await expectCompleted(tables, orderId, activities, paymentToken('ok', 2), { activityTimeoutSeconds: MIN_REDELIVERY_SECONDS });
    },
  );
});
