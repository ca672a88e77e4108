import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { startLocalStepFunctions } from '../../orchestration/stepfunctions/local.ts';
import { requestCancel } from '../../orchestration/tasks.ts';
import { validated, type VariantDriver } from './driver.ts';
import { drainDlq } from './choreography.ts';

export async function stepFunctionsDriver(clients: AwsClients, prefix: string): Promise<VariantDriver> {
  const sfn = await startLocalStepFunctions(clients, prefix);
  const arns = new Map<string, string>();
  return {
    name: 'stepfunctions',
    tables: sfn.tables,
    async place(order) {
      const o = validated(order);
      arns.set(o.orderId, await sfn.start(o));
    },
    async placeAgain(order) {
      try {
        return (await sfn.start(validated(order))) === arns.get(order.orderId) ? 'same' : 'refused';
      } catch (err) {
        if ((err as Error).name === 'ExecutionAlreadyExists') return 'refused';
        throw err;
      }
    },
    cancel: (orderId) => requestCancel(clients, sfn.tables, orderId),
    async injectPoison(body) {
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: sfn.queueUrl, MessageBody: body }));
      return drainDlq(clients, sfn.dlqUrl);
    },
    stop: () => sfn.worker.stop(),
  };
}
