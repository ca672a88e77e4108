import type { Event, GetDurableExecutionCommandOutput } from '@aws-sdk/client-lambda';
import { withDurableExecution } from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import type { OrderDocument } from '../../../shared/domain/contracts.ts';
import { orderTotal } from '../../../shared/domain/order.ts';
import { address, paymentToken } from '../../../shared/domain/simulation.ts';
import { provisionTables } from '../../../shared/engines/provision.ts';
import { tableReader } from '../../../shared/variant/snapshot.ts';
import { createTasks } from '../../tasks.ts';
import { describedByHistory, endOf, usageOfHistory } from '../history.ts';
import { acquireDurableEnvironment } from '../local.ts';
import { durableSaga, type SagaResult, type StepRun } from '../saga.ts';

describe('lambda-durable: usage and ends from an execution history', () => {
  const substrate = inject('substrate');
  let aws: AwsClients;
  let release: () => Promise<void>;
  beforeAll(async () => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    release = await acquireDurableEnvironment();
  });
  afterAll(async () => {
    await release();
    aws.destroy();
  });

  it("on the real saga under the local runner, the history gives what the steps themselves counted, and the saga's end", async () => {
    const tables = await provisionTables(aws, `hist${Date.now() % 1e6}`);
    // The steps' own count (saga.ts's onStep, one call per attempt): what the local run counted before the history did.
    const ran = new Map<string, StepRun[]>();
    const handler = durableSaga(createTasks(aws, tables), (s) => ran.set(s.orderId, [...(ran.get(s.orderId) ?? []), s]));
    // Every way the saga goes: completed, transient bank and carrier answers (retries), declined, out of stock,
    // a shipment that fails for good (compensations), each a few times.
    await tableReader(aws, tables).repos.inventory.seedStock({ WIDGET: 1000, RARE: 0 });
    const kinds: Array<Partial<OrderDocument>> = [
      {},
      { paymentToken: paymentToken('ok', 1) },
      { paymentToken: paymentToken('ok', 2), shippingAddress: address('ok', 1) },
      { paymentToken: paymentToken('declined') },
      { lines: [{ sku: 'RARE', qty: 1, unitPriceCents: 900 }] },
      { shippingAddress: address('invalid') },
    ];
    const plan = Array.from({ length: 24 }, (_, i) => {
      const k = kinds[i % kinds.length]!;
      const lines = k.lines ?? [{ sku: 'WIDGET', qty: 1 + (i % 3), unitPriceCents: 1500 }];
      const order: OrderDocument = {
        orderId: `hist-${Date.now()}-${i}`,
        customerId: `cust-${i}`,
        paymentToken: paymentToken('ok'),
        shippingAddress: address('ok'),
        ...k,
        lines,
        totalCents: orderTotal(lines),
      };
      return order;
    });
    const runs = await Promise.all(
      plan.map(async (order) => {
        const execution = await new LocalDurableTestRunner<SagaResult>({ handlerFunction: handler }).run({ payload: order });
        const steps = ran.get(order.orderId) ?? [];
        const events = execution.getHistoryEvents();
        return {
          events,
          status: execution.getStatus(),
          result: execution.getResult(),
          operations: execution.getOperations().length,
          counted: {
            operations: steps.length,
            retries: steps.filter((s) => s.attempt > 1).length,
            dataWrittenBytes: Buffer.byteLength(JSON.stringify(order)) + steps.reduce((n, s) => n + s.resultBytes, 0),
          },
        };
      }),
    );
    for (const r of runs) {
      expect(usageOfHistory(r.events)).toEqual({ ...r.counted, checkpointed: r.operations, truncatedPayloads: 0 });
      expect(describedByHistory(r.events).Status).toBe(r.status);
      expect(endOf(describedByHistory(r.events))?.status).toBe(r.result!.status);
    }
    // The mix did what it is for: retries, and every way a saga ends.
    expect(runs.reduce((n, r) => n + r.counted.retries, 0)).toBeGreaterThan(0);
    expect(new Set(runs.map((r) => r.result!.status))).toEqual(new Set(['COMPLETED', 'REJECTED', 'CANCELLED']));
  });

  it("on the local runner, a failed execution's history gives its error, which the order's end carries", async () => {
    const handler = withDurableExecution(async (_input: unknown, context) => {
      await context.step('reserve', async () => 'ok');
      throw new Error('the saga gave up');
    });
    const events = (await new LocalDurableTestRunner({ handlerFunction: handler }).run({ payload: {} })).getHistoryEvents();
    const described = describedByHistory(events);
    expect(described.Status).toBe('FAILED');
    expect(described.Error?.ErrorMessage).toBe('the saga gave up');
    expect(endOf(described)).toMatchObject({ status: 'EXECUTION_FAILED', detail: expect.stringContaining('the saga gave up') });
  });

  // AWS-only shapes no local engine produces, typed as the SDK's own types: payloads cut short, the data
  // left out, and the ends other than SUCCEEDED. These are inputs to the pure derivations, not a stand-in for Lambda.
  const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 4, 0, s));
  const history: Event[] = [
    {
      EventType: 'ExecutionStarted',
      EventId: 1,
      Id: 'exec',
      EventTimestamp: at(0),
      ExecutionStartedDetails: { Input: { Payload: '{"orderId":"o-1"}' }, ExecutionTimeout: 3600 },
    },
    { EventType: 'StepStarted', SubType: 'Step', EventId: 2, Id: 'a', Name: 'reserve', EventTimestamp: at(1), StepStartedDetails: {} },
    {
      EventType: 'StepSucceeded',
      SubType: 'Step',
      EventId: 3,
      Id: 'a',
      Name: 'reserve',
      EventTimestamp: at(1),
      StepSucceededDetails: { Result: { Payload: '{"status":"RESERVED"}' }, RetryDetails: {} },
    },
    { EventType: 'StepStarted', SubType: 'Step', EventId: 4, Id: 'b', Name: 'charge', EventTimestamp: at(2), StepStartedDetails: {} },
    {
      EventType: 'StepFailed',
      SubType: 'Step',
      EventId: 5,
      Id: 'b',
      Name: 'charge',
      EventTimestamp: at(2),
      StepFailedDetails: {
        Error: { Payload: { ErrorType: 'TransientError' } },
        RetryDetails: { CurrentAttempt: 1, NextAttemptDelaySeconds: 2 },
      },
    },
    {
      EventType: 'InvocationCompleted',
      EventId: 6,
      EventTimestamp: at(2),
      InvocationCompletedDetails: { StartTimestamp: at(0), EndTimestamp: at(2), RequestId: 'r1' },
    },
    { EventType: 'StepStarted', SubType: 'Step', EventId: 7, Id: 'b', Name: 'charge', EventTimestamp: at(4), StepStartedDetails: {} },
    {
      EventType: 'StepFailed',
      SubType: 'Step',
      EventId: 8,
      Id: 'b',
      Name: 'charge',
      EventTimestamp: at(4),
      StepFailedDetails: { Error: { Payload: { ErrorType: 'TransientError' } }, RetryDetails: { CurrentAttempt: 2 } },
    },
    { EventType: 'StepStarted', SubType: 'Step', EventId: 9, Id: 'c', Name: 'release', EventTimestamp: at(5), StepStartedDetails: {} },
    {
      EventType: 'StepSucceeded',
      SubType: 'Step',
      EventId: 10,
      Id: 'c',
      Name: 'release',
      EventTimestamp: at(5),
      StepSucceededDetails: { Result: { Payload: '{"released":tr', Truncated: true }, RetryDetails: {} },
    },
    {
      EventType: 'ExecutionSucceeded',
      EventId: 11,
      Id: 'exec',
      EventTimestamp: at(6),
      ExecutionSucceededDetails: { Result: { Payload: '{"orderId":"o-1","status":"CANCELLED"}' } },
    },
  ];

  it('counts attempts, retries, bytes and cut payloads from an AWS-shaped history', () => {
    expect(usageOfHistory(history)).toEqual({
      operations: 4, // reserve, charge twice, release
      retries: 1,
      dataWrittenBytes: Buffer.byteLength('{"orderId":"o-1"}{"status":"RESERVED"}{"released":tr'),
      checkpointed: 3,
      truncatedPayloads: 1,
    });
    expect(describedByHistory(history)).toEqual({
      Status: 'SUCCEEDED',
      EndTimestamp: at(6),
      Result: '{"orderId":"o-1","status":"CANCELLED"}',
    });
    expect(describedByHistory(history.slice(0, 6))).toEqual({ Status: 'RUNNING' });
  });

  it("reads an order's end from GetDurableExecution's answer", () => {
    const answer = (o: Partial<GetDurableExecutionCommandOutput>): GetDurableExecutionCommandOutput => ({
      $metadata: {},
      DurableExecutionArn: 'arn:aws:lambda:us-east-1:111122223333:function:p-saga-durable:1/durable-execution/o-1/abc',
      DurableExecutionName: 'o-1',
      FunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:p-saga-durable:live',
      StartTimestamp: at(0),
      Status: 'RUNNING',
      ...o,
    });
    expect(endOf(answer({}))).toBeUndefined();
    expect(endOf(answer({ Status: 'SUCCEEDED', EndTimestamp: at(7), Result: '{"orderId":"o-1","status":"COMPLETED"}' }))).toEqual({
      status: 'COMPLETED',
      terminalAt: at(7).getTime(),
    });
    // No result to read (IncludeExecutionData off, or a result that is not the saga's): the caller reads the orders table.
    expect(endOf(answer({ Status: 'SUCCEEDED', EndTimestamp: at(7) }))).toEqual({ status: undefined, terminalAt: at(7).getTime() });
    expect(endOf(answer({ Status: 'SUCCEEDED', EndTimestamp: at(7), Result: '{"status":"PENDING"}' }))?.status).toBeUndefined();
    for (const s of ['FAILED', 'TIMED_OUT', 'STOPPED'] as const)
      expect(endOf(answer({ Status: s, EndTimestamp: at(9), Error: { ErrorType: 'X', ErrorMessage: 'went wrong' } }))).toEqual({
        status: `EXECUTION_${s}`,
        terminalAt: at(9).getTime(),
        detail: 'X: went wrong',
      });
    expect(endOf(answer({ Status: 'FAILED', EndTimestamp: at(9) }))).toEqual({ status: 'EXECUTION_FAILED', terminalAt: at(9).getTime() });
    // An end status without its timestamp is not taken as an end: no terminal time to give.
    expect(endOf(answer({ Status: 'SUCCEEDED' }))).toBeUndefined();
  });
});
