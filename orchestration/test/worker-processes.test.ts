import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import { connectClient, resolveTemporalTarget } from '../../shared/temporal/connection.ts';
import { provisionTables } from '../../shared/engines/provision.ts';
import { isRunning } from '../../shared/engines/processes.ts';
import { address, paymentToken } from '../../shared/domain/simulation.ts';
import { orderTotal } from '../../shared/domain/order.ts';
import type { OrderDocument } from '../../shared/domain/contracts.ts';
import { startLocalStepFunctions } from '../stepfunctions/local.ts';
import { startWorkerProcesses } from '../workers.ts';
import type { SagaResult } from '../temporal/workflow.ts';
import { tableReader } from '../../shared/variant/snapshot.ts';

const order = (id: string): OrderDocument => {
  const lines = [{ sku: 'WIDGET', qty: 1, unitPriceCents: 900 }];
  return {
    orderId: id,
    customerId: 'c',
    lines,
    totalCents: orderTotal(lines),
    paymentToken: paymentToken('ok', 1),
    shippingAddress: address('ok'),
  };
};

// The orchestrators' workers as processes of their own, started and stopped by
// the variant: orders complete through them, and stop leaves none behind.
describe('orchestration worker processes', () => {
  const substrate = inject('substrate');
  let aws: AwsClients;
  beforeAll(() => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => aws.destroy());

  it('runs Step Functions tasks in two worker processes', async () => {
    const sfn = await startLocalStepFunctions(aws, `wp-sfn-${Date.now()}`, { inProcessWorker: false });
    const read = tableReader(aws, sfn.tables);
    await read.repos.inventory.seedStock({ WIDGET: 10 });
    const workers = await startWorkerProcesses(
      { kind: 'stepfunctions', endpoints: substrate.moto.endpoints, tables: sfn.tables, queueUrl: sfn.queueUrl },
      2,
    );
    try {
      const o = order(`wp-sfn-${Date.now()}`);
      const arn = await sfn.start(o);
      let status = 'RUNNING';
      const deadline = Date.now() + 60_000;
      while (status === 'RUNNING' && Date.now() < deadline) {
        status = (await aws.sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status!;
        await sleep(100);
      }
      expect(status).toBe('SUCCEEDED');
      expect(await read.snapshot(o.orderId)).toEqual({
        order: 'COMPLETED',
        reservation: 'COMMITTED',
        payment: 'CHARGED',
        shipment: 'CREATED',
        notified: true,
      });
    } finally {
      await workers.stop();
    }
    expect(workers.pids).toHaveLength(2);
    expect(workers.pids.filter(isRunning)).toEqual([]);
  });

  it('runs the Temporal saga in a worker process that finds the server through TEMPORAL_ADDRESS, with its concurrency set', async () => {
    const tables = await provisionTables(aws, `wp-tmp-${Date.now()}`);
    await tableReader(aws, tables).repos.inventory.seedStock({ WIDGET: 10 });
    const taskQueue = `wp-${Date.now()}`;
    const temporal = { address: substrate.temporal.address, namespace: substrate.temporal.namespace };
    // No address in the config: the worker reads Temporal's own environment, as it would for Temporal Cloud.
    const saved = process.env.TEMPORAL_ADDRESS;
    process.env.TEMPORAL_ADDRESS = temporal.address;
    const workers = await startWorkerProcesses({
      kind: 'temporal',
      endpoints: substrate.moto.endpoints,
      tables,
      taskQueue,
      maxConcurrentActivityTaskExecutions: 8,
    }).finally(() => {
      if (saved === undefined) delete process.env.TEMPORAL_ADDRESS;
      else process.env.TEMPORAL_ADDRESS = saved;
    });
    const { client, connection } = await connectClient(resolveTemporalTarget(temporal));
    try {
      const o = order(`wp-tmp-${Date.now()}`);
      const result = (await client.workflow.execute('orderSaga', { taskQueue, workflowId: o.orderId, args: [o] })) as SagaResult;
      expect(result.status).toBe('COMPLETED');
    } finally {
      await connection.close();
      await workers.stop();
    }
    expect(workers.pids.filter(isRunning)).toEqual([]);
  });

  it('refuses a bad worker config before starting anything', async () => {
    await expect(startWorkerProcesses({ kind: 'stepfunctions' } as never)).rejects.toThrow(/queueUrl|endpoints|tables/);
  });
});
