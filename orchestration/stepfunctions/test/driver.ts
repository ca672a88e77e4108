import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../../shared/aws/clients.ts';
import { startLocalStepFunctions } from '../local.ts';
import { requestCancel } from '../../tasks.ts';
import { parseOrderDocument } from '../../../shared/domain/contracts.ts';
import type { VariantDriver } from '../../../shared/variant/driver.ts';
import { drainDlq } from '../../../choreography/test/driver.ts';

export async function stepFunctionsDriver(clients: AwsClients, prefix: string): Promise<VariantDriver> {
  const sfn = await startLocalStepFunctions(clients, prefix);
  const arns = new Map<string, string>();
  return {
    name: 'stepfunctions',
    tables: sfn.tables,
    async place(order) {
      const o = parseOrderDocument(order);
      arns.set(o.orderId, await sfn.start(o));
    },
    async placeAgain(order) {
      try {
        return (await sfn.start(parseOrderDocument(order))) === arns.get(order.orderId) ? 'same' : 'refused';
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
