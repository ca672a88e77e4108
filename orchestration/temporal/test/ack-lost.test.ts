import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import { provisionTables } from '../../../shared/engines/provision.ts';
import { connectClient, resolveTemporalTarget } from '../../../shared/temporal/connection.ts';
import { connectWorker, installWorkerRuntime } from '../../../shared/temporal/worker-connection.ts';
import { address, paymentToken } from '../../../shared/domain/simulation.ts';
import { tableReader } from '../../../shared/variant/snapshot.ts';
import { createActivities } from '../activities.ts';
import type { SagaResult } from '../workflow.ts';

// "The step succeeded but its acknowledgement was lost": the charge lands, then
// the activity fails for good. Because the refund was registered before the
// charge ran, the saga still undoes it.
describe('temporal: a step whose effect landed but whose answer was lost', () => {
  const substrate = inject('substrate');
  let aws: AwsClients;
  beforeAll(() => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => aws.destroy());

  it('is compensated: refunded and released, order CANCELLED', async () => {
    const tables = await provisionTables(aws, `acklost-${Date.now()}`);
    const read = tableReader(aws, tables);
    await read.repos.inventory.seedStock({ WIDGET: 5 });
    const real = createActivities(aws, tables);
    const activities = {
      ...real,
      charge: async (call: Parameters<typeof real.charge>[0]) => {
        await real.charge(call);
        throw ApplicationFailure.nonRetryable('connection reset after the bank accepted the charge', 'AckLost');
      },
    };
    installWorkerRuntime();
    const target = resolveTemporalTarget({ address: substrate.temporal.address, namespace: substrate.temporal.namespace });
    const connection = await connectWorker(target);
    const taskQueue = `acklost-${Date.now()}`;
    const worker = await Worker.create({
      connection,
      namespace: target.namespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('../workflow.ts', import.meta.url)),
      activities,
    });
    const { client, connection: clientConnection } = await connectClient(target);
    try {
      const orderId = `acklost-${Date.now()}`;
      const lines = [{ sku: 'WIDGET', qty: 2, unitPriceCents: 500 }];
      const result = (await worker.runUntil(
        client.workflow.execute('orderSaga', {
          taskQueue,
          workflowId: orderId,
          args: [{ orderId, customerId: 'c', lines, totalCents: 1000, paymentToken: paymentToken('ok'), shippingAddress: address('ok') }],
        }),
      )) as SagaResult;
      expect(result.status).toBe('CANCELLED');
      expect(await read.snapshot(orderId)).toEqual({
        order: 'CANCELLED',
        reservation: 'RELEASED',
        payment: 'REFUNDED',
        shipment: undefined,
        notified: false,
      });
      expect(await read.repos.inventory.stockOf('WIDGET')).toBe(5);
    } finally {
      await clientConnection.close();
      await connection.close();
    }
  });
});
