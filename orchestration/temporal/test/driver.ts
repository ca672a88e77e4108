import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AwsClients } from '../../../shared/aws/clients.ts';
import { provisionLocalTemporal } from '../local.ts';
import type { LocalRun } from '../../../shared/variant/variant.ts';
import { connectClient, type TemporalTarget } from '../../../shared/temporal/connection.ts';
import { startWorker } from '../worker.ts';
import { cancelSignal } from '../workflow.ts';
import { parseOrderDocument } from '../../../shared/domain/contracts.ts';
import type { VariantDriver } from '../../../shared/variant/driver.ts';

export async function temporalDriver({ clients, temporal: target, prefix }: LocalRun): Promise<VariantDriver> {
  const { tables, taskQueue } = await provisionLocalTemporal(clients, prefix);
  const worker = await startWorker(target, clients, tables, { taskQueue });
  const { client, connection } = await connectClient(target);
  const start = (order: Parameters<VariantDriver['place']>[0]) =>
    client.workflow.start('orderSaga', { taskQueue, workflowId: order.orderId, args: [parseOrderDocument(order)] });
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
