import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { provisionTables } from '../../shared/engines/provision.ts';
import { connectClient, type TemporalTarget } from '../../shared/temporal/connection.ts';
import { startWorker } from '../../orchestration/temporal/worker.ts';
import { cancelSignal } from '../../orchestration/temporal/workflow.ts';
import { validated, type VariantDriver } from './driver.ts';

export async function temporalDriver(clients: AwsClients, target: TemporalTarget, prefix: string): Promise<VariantDriver> {
  const tables = await provisionTables(clients, prefix);
  const taskQueue = `${prefix}-saga`;
  const worker = await startWorker(target, clients, tables, { taskQueue });
  const { client, connection } = await connectClient(target);
  const start = (order: Parameters<VariantDriver['place']>[0]) =>
    client.workflow.start('orderSaga', { taskQueue, workflowId: order.orderId, args: [validated(order)] });
  return {
    name: 'temporal',
    tables,
    async place(order) {
      await start(order);
    },
    async placeAgain(order) {
      try {
        await start(order);
        return 'same';
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return 'refused';
        throw err;
      }
    },
    async cancel(orderId) {
      await client.workflow.getHandle(orderId).signal(cancelSignal, 'customer request');
    },
    async stop() {
      await worker.stop();
      await connection.close();
    },
  };
}
