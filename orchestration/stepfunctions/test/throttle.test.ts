import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import { Meter } from '../../../shared/aws/metering.ts';
import type { ClientFaults } from '../../../shared/aws/faults.ts';
import { address, paymentToken } from '../../../shared/domain/simulation.ts';
import { tableReader } from '../../../shared/variant/snapshot.ts';
import { createTaskRunner, type TaskName } from '../../tasks.ts';
import { startCallbackWorker } from '../callback-worker.ts';
import { buildSagaDefinition } from '../definition.ts';
import { startLocalStepFunctions } from '../local.ts';

// Issue #19: under a 5 % throttle a Step Functions order planned COMPLETED ended
// CANCELLED. A DynamoDB call inside a task was throttled on all three of the SDK's
// attempts; the worker answered that as the step's failure (TaskError), which no
// Retry matched, so the Catch compensated a healthy order. Here the same throttles
// are aimed at one order's calls, so the rare event happens on every run, on the
// real engines.
describe('step functions: a throttle that outlasts the SDK retries', () => {
  const substrate = inject('substrate');
  let aws: AwsClients;
  beforeAll(() => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => aws.destroy());

  /** One happy order through the saga, with a worker whose own calls carry `throttleCalls`. */
  async function runOrder(
    name: string,
    throttleCalls: (orderId: string, tables: { orders: string }) => NonNullable<ClientFaults['throttleCalls']>,
    timeoutMs = 45_000,
  ) {
    const prefix = `thr-${name}-${Date.now().toString(36)}`;
    const sfn = await startLocalStepFunctions(aws, prefix, { inProcessWorker: false });
    const orderId = `ord-${prefix}`;
    const meter = new Meter();
    const faulty = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints }, meter, {
      throttlePct: 0,
      duplicatePct: 0,
      seed: 1,
      throttleCalls: throttleCalls(orderId, sfn.tables),
    });
    const worker = startCallbackWorker(faulty, sfn.tables, sfn.queueUrl);
    const read = tableReader(aws, sfn.tables);
    try {
      await read.repos.inventory.seedStock({ WIDGET: 5 });
      const arn = await sfn.start({
        orderId,
        customerId: 'c',
        lines: [{ sku: 'WIDGET', qty: 2, unitPriceCents: 500 }],
        totalCents: 1000,
        paymentToken: paymentToken('ok'),
        shippingAddress: address('ok'),
      });
      const deadline = Date.now() + timeoutMs;
      let status = 'RUNNING';
      while (status === 'RUNNING' && Date.now() < deadline) {
        await sleep(200);
        status = (await aws.sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status!;
      }
      const history = (await aws.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? [];
      const failures = history
        .filter((e) => e.type === 'TaskFailed' || e.type === 'TaskTimedOut')
        .map((e) => e.taskFailedEventDetails?.error ?? e.type);
      return {
        status,
        snapshot: await read.snapshot(orderId),
        stock: await read.repos.inventory.stockOf('WIDGET'),
        failures,
        meter,
        queueUrl: sfn.queueUrl,
        dlqUrl: sfn.dlqUrl,
      };
    } finally {
      await worker.stop();
      faulty.destroy();
    }
  }

  const completed = { order: 'COMPLETED', reservation: 'COMMITTED', payment: 'CHARGED', shipment: 'CREATED', notified: true };

  it('a task whose DynamoDB read is throttled on every SDK attempt is run again, not compensated: the order completes', async () => {
    // The cancel gate's read of the orders table, as in the reported run's history.
    const r = await runOrder('read', (orderId, tables) => [
      { operation: 'dynamodb.GetItem', match: `"TableName":"${tables.orders}"`, times: 3 },
    ]);
    expect(r.snapshot).toEqual(completed);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.stock).toBe(3);
    // Retried inside the worker: the state machine never saw a failure.
    expect(r.failures).toEqual([]);
    expect(r.meter.get('dynamodb', 'GetItem')?.throttles).toBe(3);
  });

  it('an answer throttled on every SDK attempt of every delivery of its message still lands: the order completes', async () => {
    // 5 deliveries x 3 attempts would send the message to the DLQ and leave the execution waiting forever.
    const r = await runOrder('answer', (orderId) => [{ operation: 'sfn.SendTaskSuccess', match: `pay-${orderId}`, times: 16 }]);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.snapshot).toEqual(completed);
    expect(r.stock).toBe(3);
    expect(r.meter.get('sfn', 'SendTaskSuccess')?.throttles).toBe(16);
  });

  it('an answer lost for good times out, and the state runs the task again with a fresh token instead of compensating', async () => {
    const prefix = `thr-timeout-${Date.now().toString(36)}`;
    const sfn = await startLocalStepFunctions(aws, prefix, { inProcessWorker: false });
    // The definition as shipped, with a task timeout short enough not to wait out the real one.
    const definition = buildSagaDefinition({ binding: { kind: 'sqs-callback', queueUrl: sfn.queueUrl } });
    for (const state of Object.values(definition.States)) if (state.Type === 'Task') state.TimeoutSeconds = 3;
    const { stateMachineArn } = await aws.sfn.send(
      new CreateStateMachineCommand({
        name: `${prefix}-short`,
        type: 'STANDARD',
        roleArn: 'arn:aws:iam::123456789012:role/sagabench-stepfunctions',
        definition: JSON.stringify(definition),
      }),
    );
    const read = tableReader(aws, sfn.tables);
    await read.repos.inventory.seedStock({ WIDGET: 5 });
    const runTask = createTaskRunner(aws, sfn.tables);
    const orderId = `ord-${prefix}`;
    const order = {
      orderId,
      customerId: 'c',
      lines: [{ sku: 'WIDGET', qty: 2, unitPriceCents: 500 }],
      totalCents: 1000,
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
    };
    const { executionArn } = await aws.sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: orderId, input: JSON.stringify({ order }) }),
    );
    const chargeTokens: string[] = [];
    const deadline = Date.now() + 30_000;
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
        if (body.task === 'charge') chargeTokens.push(body.taskToken);
        // The first charge lands at the bank, but its answer never reaches the state machine.
        if (!(body.task === 'charge' && chargeTokens.length === 1))
          await aws.sfn.send(new SendTaskSuccessCommand({ taskToken: body.taskToken, output: JSON.stringify(output ?? {}) }));
        await aws.sqs.send(new DeleteMessageCommand({ QueueUrl: sfn.queueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
      status = (await aws.sfn.send(new DescribeExecutionCommand({ executionArn }))).status!;
    }
    expect(await read.snapshot(orderId)).toEqual(completed);
    expect(status).toBe('SUCCEEDED');
    expect(await read.repos.inventory.stockOf('WIDGET')).toBe(3);
    const history = (await aws.sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
    expect(history.filter((e) => e.type === 'TaskTimedOut')).toHaveLength(1);
    expect(chargeTokens).toHaveLength(2);
    expect(chargeTokens[1]).not.toBe(chargeTokens[0]);
    // The lost answer turning up late is refused, as the worker expects (it counts as settled).
    const late = await aws.sfn.send(new SendTaskSuccessCommand({ taskToken: chargeTokens[0]!, output: '{}' })).catch((e: Error) => e);
    expect(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']).toContain((late as Error).name);
  });
});
