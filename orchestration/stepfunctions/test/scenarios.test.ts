import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { venvBin } from '../../../shared/paths.ts';
import { DescribeExecutionCommand, ExecutionAlreadyExists, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAwsClients, type AwsClients } from '../../../shared/aws/clients.ts';
import { address, paymentToken } from '../../../shared/domain/simulation.ts';
import { orderTotal } from '../../../shared/domain/order.ts';
import type { OrderDocument } from '../../../shared/domain/contracts.ts';
import { documentClient } from '../../../shared/services/dynamo/document.ts';
import { DynamoInventoryRepo } from '../../../shared/services/dynamo/inventory.ts';
import { DynamoNotificationsRepo, DynamoPaymentsRepo, DynamoShipmentsRepo } from '../../../shared/services/dynamo/records.ts';
import { requestCancel } from '../../tasks.ts';
import { tableReader } from '../../../shared/variant/snapshot.ts';
import { startLocalStepFunctions, type LocalStepFunctions } from '../local.ts';
import { buildSagaDefinition } from '../definition.ts';
import { walkTransitions } from '../walk.ts';
import { countStateTransitions, countTaskAttempts, loggedBytes } from '../transitions.ts';

// The Step Functions variant on moto's execution engine (callback binding), over
// the same service functions and tables as the other variants.
describe('step functions saga scenarios', () => {
  const substrate = inject('substrate');
  let aws: AwsClients;
  let sfn: LocalStepFunctions;
  let repos: {
    inventory: DynamoInventoryRepo;
    payments: DynamoPaymentsRepo;
    shipments: DynamoShipmentsRepo;
    notifications: DynamoNotificationsRepo;
  };

  beforeAll(async () => {
    aws = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    sfn = await startLocalStepFunctions(aws, `sfn-${Date.now()}`);
    const doc = documentClient(aws.dynamodb);
    repos = {
      inventory: new DynamoInventoryRepo(doc, sfn.tables.inventory),
      payments: new DynamoPaymentsRepo(doc, sfn.tables.payments),
      shipments: new DynamoShipmentsRepo(doc, sfn.tables.shipments),
      notifications: new DynamoNotificationsRepo(doc, sfn.tables.notifications),
    };
    await repos.inventory.seedStock({ WIDGET: 100, RARE: 1 });
  });
  afterAll(async () => {
    await sfn.worker.stop();
    aws.destroy();
  });

  let n = 0;
  const order = (o: Partial<OrderDocument> = {}): OrderDocument => {
    const lines = o.lines ?? [{ sku: 'WIDGET', qty: 2, unitPriceCents: 1500 }];
    return {
      orderId: `sord-${Date.now()}-${n++}`,
      customerId: 'cust-1',
      paymentToken: paymentToken('ok'),
      shippingAddress: address('ok'),
      ...o,
      lines,
      totalCents: orderTotal(lines),
    };
  };

  async function finished(arn: string, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = await aws.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
      if (d.status !== 'RUNNING') return d.status!;
      if (Date.now() > deadline) throw new Error(`${arn} still running`);
      await sleep(100);
    }
  }

  const tablesFor = (orderId: string) => tableReader(aws, sfn.tables).snapshot(orderId);

  it('refuses EXPRESS locally with a clear message, before creating anything', async () => {
    const prefix = `express-${Date.now()}`;
    await expect(startLocalStepFunctions(aws, prefix, { type: 'EXPRESS' })).rejects.toThrow(/EXPRESS state machines run on AWS only/);
    const tablesNow = await aws.dynamodb.send(new ListTablesCommand({}));
    expect(tablesNow.TableNames?.filter((t) => t.startsWith(prefix))).toEqual([]);
  });

  it('completes the happy path and counts its state transitions', async () => {
    const o = order();
    const arn = await sfn.start(o);
    expect(await finished(arn)).toBe('SUCCEEDED');
    expect(await tablesFor(o.orderId)).toEqual({
      order: 'COMPLETED',
      reservation: 'COMMITTED',
      payment: 'CHARGED',
      shipment: 'CREATED',
      notified: true,
    });
    // RecordPending, Reserve, Reserved?, Charge, Charged?, CancelGate, Cancelled?, Ship, Shipped?, Commit, Notify, RecordCompleted, Completed
    expect(await sfn.transitions(arn)).toBe(13);
    // The definition walk (how EXPRESS executions are counted) agrees with the history.
    const happy = {
      reserve: { status: 'RESERVED' },
      charge: { status: 'CHARGED' },
      cancelGate: { cancelRequested: false },
      ship: { status: 'CREATED' },
    };
    expect(walkTransitions(buildSagaDefinition({ binding: { kind: 'sqs-callback', queueUrl: sfn.queueUrl } }), { results: happy })).toBe(
      13,
    );
  });

  it('shows its executions and their real histories to boto3', async () => {
    const o = order();
    const arn = await sfn.start(o);
    await finished(arn);
    const r = spawnSync(
      venvBin('python'),
      [
        '-c',
        `import boto3, json
sfn = boto3.client('stepfunctions', endpoint_url='${substrate.moto.endpoints.sfn}', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')
runs = sfn.list_executions(stateMachineArn='${sfn.stateMachineArn}')['executions']
mine = [e for e in runs if e['name'] == '${o.orderId}']
events = sfn.get_execution_history(executionArn=mine[0]['executionArn'])['events']
print(json.dumps({'status': mine[0]['status'], 'types': [e['type'] for e in events]}))`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const seen = JSON.parse(r.stdout) as { status: string; types: string[] };
    expect(seen.status).toBe('SUCCEEDED');
    expect(seen.types.filter((t) => t === 'TaskSucceeded')).toHaveLength(8);
    expect(seen.types.at(-1)).toBe('ExecutionSucceeded');
  });

  it('rejects an order that is out of stock', async () => {
    const o = order({ lines: [{ sku: 'RARE', qty: 5, unitPriceCents: 100 }] });
    expect(await finished(await sfn.start(o))).toBe('SUCCEEDED');
    expect(await tablesFor(o.orderId)).toEqual({
      order: 'REJECTED',
      reservation: 'REJECTED',
      payment: undefined,
      shipment: undefined,
      notified: false,
    });
  });

  it('releases the stock when the payment is declined', async () => {
    const o = order({ paymentToken: paymentToken('declined') });
    expect(await finished(await sfn.start(o))).toBe('SUCCEEDED');
    expect(await tablesFor(o.orderId)).toEqual({
      order: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'DECLINED',
      shipment: undefined,
      notified: false,
    });
  });

  it('refunds and releases when shipping fails', async () => {
    const o = order({ shippingAddress: address('invalid') });
    const arn = await sfn.start(o);
    expect(await finished(arn)).toBe('SUCCEEDED');
    expect(await tablesFor(o.orderId)).toEqual({
      order: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'REFUNDED',
      shipment: 'FAILED',
      notified: false,
    });
    const walked = walkTransitions(buildSagaDefinition({ binding: { kind: 'sqs-callback', queueUrl: sfn.queueUrl } }), {
      results: {
        reserve: { status: 'RESERVED' },
        charge: { status: 'CHARGED' },
        cancelGate: { cancelRequested: false },
        ship: { status: 'FAILED' },
      },
    });
    // Up to Shipped? as the happy path (9), then Refund, Release, RecordCancelled, Cancelled: walked and recorded alike.
    expect(walked).toBe(await sfn.transitions(arn));
    expect(walked).toBe(13);
  });

  it('retries a transient bank error through the Retry block, and counts the retry as a transition', async () => {
    const o = order({ paymentToken: paymentToken('ok', 1) });
    const arn = await sfn.start(o);
    expect(await finished(arn)).toBe('SUCCEEDED');
    expect(await tablesFor(o.orderId)).toEqual({
      order: 'COMPLETED',
      reservation: 'COMMITTED',
      payment: 'CHARGED',
      shipment: 'CREATED',
      notified: true,
    });
    const h = await sfn.history(arn);
    const failures = h.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error);
    expect(failures).toEqual(['TransientError']);
    expect(await sfn.transitions(arn)).toBe(14);
    // Every task attempt is one Lambda invocation on AWS: the retried charge is two.
    const entered = h.filter((e) => e.type === 'TaskStateEntered').length;
    expect(countTaskAttempts(h)).toBe(entered + 1);
    // On AWS the Lambda binding logs each attempt as LambdaFunctionScheduled, not TaskScheduled:
    // the same run read that way bills the same transitions and invocations.
    const asLambda = h.map((e) => (e.type === 'TaskScheduled' ? { ...e, type: 'LambdaFunctionScheduled' as const } : e));
    expect(countStateTransitions(asLambda)).toBe(14);
    expect(countTaskAttempts(asLambda)).toBe(entered + 1);
    // The execution log gets every event, without its input and output.
    expect(loggedBytes(h)).toBeGreaterThan(h.length * 50);
    expect(loggedBytes(h)).toBeLessThan(Buffer.byteLength(JSON.stringify(h)));
    const walked = walkTransitions(buildSagaDefinition({ binding: { kind: 'sqs-callback', queueUrl: sfn.queueUrl } }), {
      results: {
        reserve: { status: 'RESERVED' },
        charge: { status: 'CHARGED' },
        cancelGate: { cancelRequested: false },
        ship: { status: 'CREATED' },
      },
      retries: { Charge: 1 },
    });
    expect(walked).toBe(14);
  });

  it('honours a cancel flag set before the shipping gate', async () => {
    const o = order({ paymentToken: paymentToken('ok', 1) });
    const arn = await sfn.start(o);
    await requestCancel(aws, sfn.tables, o.orderId);
    expect(await finished(arn)).toBe('SUCCEEDED');
    expect(await tablesFor(o.orderId)).toEqual({
      order: 'CANCELLED',
      reservation: 'RELEASED',
      payment: 'REFUNDED',
      shipment: 'BLOCKED',
      notified: false,
    });
  });

  it('runs one execution per order id: an identical retry of the start gets the same execution, a different one is refused', async () => {
    const o = order();
    const arn = await sfn.start(o);
    // As on AWS: same name and input while running is idempotent.
    expect(await sfn.start(o)).toBe(arn);
    await expect(sfn.start({ ...o, customerId: 'someone-else' })).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    expect(await finished(arn)).toBe('SUCCEEDED');
    const runs = await aws.sfn.send(new ListExecutionsCommand({ stateMachineArn: sfn.stateMachineArn }));
    expect(runs.executions?.filter((e) => e.name === o.orderId)).toHaveLength(1);
    expect(await repos.payments.get(o.orderId)).toMatchObject({ status: 'CHARGED' });
  });
});
