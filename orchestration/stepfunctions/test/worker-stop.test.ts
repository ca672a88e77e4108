import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import { address, paymentToken } from '../../../shared/domain/simulation.ts';
import { startLocalStepFunctions } from '../local.ts';

// The harness stops the callback worker once every execution has ended, and the engine ends an
// execution when it takes the last answer, before that answer's response is back at the worker. A
// stop that did not wait for the messages in hand wrote a meter without that answer, and its abort
// cut the delete after it. Here the first task's first DynamoDB call is held at a gate in the
// worker's client until the stop has begun: the task is in hand for as long as the test says, not
// for as long as a throttle's random backoffs last (those outlasted the stop's 5-s bound at load 7).
describe('step functions callback worker: a stop', () => {
  const substrate = inject('substrate');
  const orderId = `ord-wstop-${Date.now()}`;
  let aws: AwsClients;
  let gated: AwsClients;
  let reached: () => void;
  const atGate = new Promise<void>((resolve) => (reached = resolve));
  let release: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  beforeAll(() => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    gated = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    let held = false;
    gated.dynamodb.middlewareStack.add(
      (next) => async (args) => {
        if (!held && JSON.stringify(args.input).includes(orderId)) {
          held = true;
          reached();
          await gate;
        }
        return next(args);
      },
      { step: 'initialize', name: 'testGate' },
    );
  });
  afterAll(() => {
    release();
    aws.destroy();
    gated.destroy();
  });

  it('waits for the task in hand: its answer and its delete are metered when the stop returns', async () => {
    const sfn = await startLocalStepFunctions(gated, `wstop-${Date.now()}`);
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
    await atGate;
    expect(await inHand()).toBe(1);
    const answers = () =>
      gated.meter
        .snapshot()
        .filter((c) => c.service === 'sfn' && /^SendTask/.test(c.operation))
        .reduce((n, c) => n + c.calls, 0);
    // The first task is in hand and not answered yet.
    expect(answers()).toBe(0);
    const stopping = sfn.worker.stop();
    // Well past the 50 ms after which the old stop aborted, well inside the 5 s the stop waits.
    await sleep(500);
    release();
    await stopping;
    // Every message the worker took before the stop is through when it returns: the first task, and
    // any next task it received while it waited (a fresh clone's run took the second one too).
    expect(answers()).toBeGreaterThanOrEqual(1);
    // Counted by the meter rather than read off the queue: the next task's message may be in a receive
    // the stop aborted, and moto keeps such a message invisible for its timeout.
    expect(gated.meter.snapshot().find((c) => c.service === 'sqs' && c.operation === 'DeleteMessage')?.calls).toBe(answers());
  });
});
