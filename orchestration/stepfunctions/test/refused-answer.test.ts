import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import { address, paymentToken } from '../../../shared/domain/simulation.ts';
import { startCallbackWorker } from '../callback-worker.ts';
import { startLocalStepFunctions } from '../local.ts';

// A task message whose token the engine does not know (as if the engine lost the task it sent):
// the worker still settles the message, and says the answer was refused on a first delivery,
// where before it deleted the message in silence and the state's 60-s timeout was unexplained.
describe('step functions callback worker: an answer the engine refuses', () => {
  const substrate = inject('substrate');
  let aws: AwsClients;
  beforeAll(() => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => aws.destroy());

  it('settles the message and names the order, the task and the refusal', async () => {
    const sfn = await startLocalStepFunctions(aws, `refused-${Date.now()}`, { inProcessWorker: false });
    const orderId = `ord-refused-${Date.now()}`;
    const order = {
      orderId,
      customerId: 'c',
      lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 500 }],
      totalCents: 500,
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
    };
    await aws.sqs.send(
      new SendMessageCommand({
        QueueUrl: sfn.queueUrl,
        MessageBody: JSON.stringify({ taskToken: `not-issued-${Date.now()}`, task: 'notify', order, retryCount: 0 }),
      }),
    );
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const worker = startCallbackWorker(aws, sfn.tables, sfn.queueUrl);
    try {
      const left = async () => {
        const a = (
          await aws.sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: sfn.queueUrl,
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
            }),
          )
        ).Attributes!;
        return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
      };
      const refused = () => errors.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('refused the answer'));
      for (const giveUpAt = Date.now() + 20_000; (refused().length === 0 || (await left()) > 0) && Date.now() < giveUpAt;) await sleep(100);
      expect(await left()).toBe(0);
      expect(refused()).toEqual([
        expect.stringMatching(
          new RegExp(
            `^stepfunctions worker: ${orderId} notify: the engine refused the answer \\(InvalidToken\\) [0-9.]+ s after it sent the task; unless another copy answered, the state waits out its 60-s timeout$`,
          ),
        ),
      ]);
    } finally {
      await worker.stop();
      errors.mockRestore();
    }
  });
});
