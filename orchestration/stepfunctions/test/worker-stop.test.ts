import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import { address, paymentToken } from '../../../shared/domain/simulation.ts';
import { startLocalStepFunctions } from '../local.ts';

// The harness stops the callback worker once every execution has ended, and the engine ends an
// execution when it takes the last answer, before that answer's response is back at the worker. A
// stop that did not wait for the messages in hand wrote a meter without that answer, and its abort
// cut the delete after it. Here a throttled lookup keeps the first task in hand while the stop comes.
describe('step functions callback worker: a stop', () => {
  const substrate = inject('substrate');
  const orderId = `ord-wstop-${Date.now()}`;
  let aws: AwsClients;
  let faulted: AwsClients;
  beforeAll(() => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    // All 3 SDK attempts of the first task's write and then 3 more: the task is retried in hand for a while.
    faulted = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints }, undefined, {
      throttlePct: 0,
      duplicatePct: 0,
      seed: 1,
      throttleCalls: [{ operation: 'dynamodb.UpdateItem', match: orderId, times: 6 }],
    });
  });
  afterAll(() => {
    aws.destroy();
    faulted.destroy();
  });

  it('waits for the task in hand: its answer and its delete are metered when the stop returns', async () => {
    const sfn = await startLocalStepFunctions(faulted, `wstop-${Date.now()}`);
    await sfn.start({
      orderId,
      customerId: 'c',
      lines: [{ sku: 'WIDGET', qty: 1, unitPriceCents: 500 }],
      totalCents: 500,
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
    });
    const inHand = async () =>
      Number(
        (
          await aws.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: sfn.queueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }),
          )
        ).Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0,
      );
    const deadline = Date.now() + 20_000;
    while ((await inHand()) === 0 && Date.now() < deadline) await sleep(20);
    expect(await inHand()).toBe(1);
    const answers = () =>
      faulted.meter
        .snapshot()
        .filter((c) => c.service === 'sfn' && /^SendTask/.test(c.operation))
        .reduce((n, c) => n + c.calls, 0);
    // The first task is in hand and not answered yet.
    expect(answers()).toBe(0);
    await sfn.worker.stop();
    // Every message the worker took before the stop is through when it returns: the first task, and
    // any next task it received while it waited (a fresh clone's run took the second one too).
    expect(answers()).toBeGreaterThanOrEqual(1);
    // Counted by the meter rather than read off the queue: the next task's message may be in a receive
    // the stop aborted, and moto keeps such a message invisible for its timeout.
    expect(faulted.meter.snapshot().find((c) => c.service === 'sqs' && c.operation === 'DeleteMessage')?.calls).toBe(answers());
  });
});
