import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import { address, paymentToken } from '../../../shared/domain/simulation.ts';
import { tableReader } from '../../../shared/variant/snapshot.ts';
import { createTaskRunner, type TaskName } from '../../tasks.ts';
import { startLocalStepFunctions } from '../local.ts';

// The charge lands at the bank, then its answer to the state machine is a failure
// (the acknowledgement was lost): the Catch path must refund and release it.
describe('step functions: a step whose effect landed but whose answer was lost', () => {
  const substrate = inject('substrate');
  let aws: AwsClients;
  beforeAll(() => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => aws.destroy());

  it('is compensated: refunded and released, order CANCELLED', async () => {
    const sfn = await startLocalStepFunctions(aws, `acklost-sfn-${Date.now()}`, { inProcessWorker: false });
    const read = tableReader(aws, sfn.tables);
    await read.repos.inventory.seedStock({ WIDGET: 5 });
    const runTask = createTaskRunner(aws, sfn.tables);
    const orderId = `acklost-sfn-${Date.now()}`;
    const lines = [{ sku: 'WIDGET', qty: 2, unitPriceCents: 500 }];
    const arn = await sfn.start({
      orderId,
      customerId: 'c',
      lines,
      totalCents: 1000,
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
    });
    const deadline = Date.now() + 60_000;
    let status = 'RUNNING';
    while (status === 'RUNNING' && Date.now() < deadline) {
      const r = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: sfn.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      for (const m of r.Messages ?? []) {
        const body = JSON.parse(m.Body!) as {
          taskToken: string;
          task: TaskName;
          order: never;
          retryCount: number;
          status?: never;
          failure?: never;
        };
        const output = await runTask({
          task: body.task,
          order: body.order,
          attempt: body.retryCount + 1,
          ...(body.status ? { status: body.status } : {}),
          ...(body.failure ? { failure: body.failure } : {}),
        });
        await aws.sfn.send(
          body.task === 'charge'
            ? new SendTaskFailureCommand({
                taskToken: body.taskToken,
                error: 'AckLost',
                cause: 'connection reset after the bank accepted the charge',
              })
            : (new SendTaskSuccessCommand({ taskToken: body.taskToken, output: JSON.stringify(output ?? {}) }) as never),
        );
        await aws.sqs.send(new DeleteMessageCommand({ QueueUrl: sfn.queueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
      status = (await aws.sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status!;
      await sleep(50);
    }
    expect(status).toBe('SUCCEEDED');
    expect(await read.snapshot(orderId)).toEqual({
      order: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'REFUNDED',
      shipment: undefined,
      notified: false,
    });
    expect(await read.repos.inventory.stockOf('WIDGET')).toBe(5);
  });
});
