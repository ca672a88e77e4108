import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createAwsClients, LOCAL_ACCOUNT, LOCAL_REGION, type AwsClients } from '../../shared/aws/clients.ts';
import { createProviderClients, type ProviderClients } from '../../shared/aws/provider/clients.ts';
import { provisionTables } from '../../shared/engines/provision.ts';
import { documentClient } from '../../shared/services/dynamo/document.ts';
import { parseDeployment, type Deployment } from '../../infra/deploy/record.ts';
import type { VariantReport } from '../../shared/variant/target.ts';
import { estimateCost } from '../cost/model.ts';
import { PRICE_TABLE } from '../cost/prices.ts';
import { usageOf } from '../cost/usage.ts';
import { changeVisibilityCalls, providerCounts } from '../aws/provider-counts.ts';

const report = (metered: VariantReport['metered'] = []): VariantReport => ({
  metered,
  traces: [],
  channels: [],
  dlqs: [],
  binding: 'test',
  processes: 0,
});

/**
 * What `bench --target aws` reads of a level from the provider, against moto's CloudWatch, Logs,
 * Lambda control plane and DynamoDB: what Lambda and the services would have written on AWS is
 * written here by the test (REPORT lines with PutLogEvents, datapoints with PutMetricData, an
 * event stream's items), since no function runs locally and moto publishes no service metrics.
 */
describe('provider-side counts of a --target aws level (against moto)', () => {
  const substrate = inject('substrate');
  let harness: AwsClients;
  let p: ProviderClients;
  const prefix = `pc${randomUUID().slice(0, 6)}`;
  let tables: Awaited<ReturnType<typeof provisionTables>>;
  beforeAll(async () => {
    harness = createAwsClients({ kind: 'local', endpoints: substrate.moto.endpoints });
    p = createProviderClients(harness.target);
    tables = await provisionTables(harness, prefix);
  });
  afterAll(() => {
    harness.destroy();
    p.destroy();
  });

  const record = (variant: 'choreography' | 'eventbridge', functions: Record<string, string>): Deployment => {
    const queue = (c: string) => ({
      consumer: c,
      url: `http://sqs/${LOCAL_ACCOUNT}/${prefix}-${c}`,
      arn: `arn:${c}`,
      dlqUrl: `http://dlq/${c}`,
    });
    const queues = Object.fromEntries(['inventory', 'payments', 'completions'].map((c) => [c, queue(c)]));
    return parseDeployment({
      schemaVersion: 1,
      variant,
      prefix,
      deployedAt: new Date().toISOString(),
      tables,
      resources:
        variant === 'choreography'
          ? { variant, topicArn: `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${prefix}-bus`, queues, functions }
          : { variant, busArn: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${prefix}-bus`, queues, functions },
      placement: { target: 'aws', account: LOCAL_ACCOUNT, region: LOCAL_REGION, stacks: ['d', 'v'], outputs: {} },
    });
  };

  const reportLine = (id: string, ms: number, init?: number) =>
    `REPORT RequestId: ${id}\tDuration: ${ms} ms\tBilled Duration: ${Math.ceil(ms)} ms\tMemory Size: 1024 MB\tMax Memory Used: 91 MB\t${init ? `Init Duration: ${init} ms\t` : ''}`;
  const writeReports = async (fn: string, lines: Array<[number, string]>) => {
    const group = `/aws/lambda/${fn}`;
    await p.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await p.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
    await p.logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 's',
        logEvents: lines.map(([timestamp, message]) => ({ timestamp, message })),
      }),
    );
  };

  // The datapoints this test writes are 100 s old, not 60: the last test reads the same tables over the
  // last second, widened to whole minutes, so a datapoint 60 s old fell into it when that second
  // began in a minute's last 0.6 s (a fresh clone failed so). 100 s old, it never can.
  const DATAPOINT_AGO_MS = 100_000;
  it('REPORT lines give invocations, billed duration and cold starts apart; metrics and derivations give the rest, priced by the cost model', async () => {
    const now = Date.now();
    const window = { fromMs: now - 120_000, toMs: now };
    const consumer = `${prefix}-inventory`;
    const publisher = `${prefix}-publisher`;
    // Neither function exists in moto (no Lambda runs here): read, and said so, at Lambda's default group.
    await writeReports(consumer, [
      [now - 3_600_000, reportLine('old', 5)], // an earlier run's: outside the window
      [now - 60_000, reportLine('c1', 40.2, 310.5)],
      [now - 50_000, reportLine('c2', 10.1)],
      [now - 40_000, reportLine('c3', 12)],
    ]);
    await writeReports(publisher, [[now - 55_000, reportLine('p1', 20, 250)]]);
    const dims = (Name: string, Value: string) => [{ Name, Value }];
    await p.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/DynamoDB',
        MetricData: [
          {
            MetricName: 'ConsumedWriteCapacityUnits',
            Dimensions: dims('TableName', tables.orders),
            Value: 12,
            Timestamp: new Date(now - DATAPOINT_AGO_MS),
          },
          {
            MetricName: 'ConsumedReadCapacityUnits',
            Dimensions: dims('TableName', tables.inventory),
            Value: 4,
            Timestamp: new Date(now - DATAPOINT_AGO_MS),
          },
        ],
      }),
    );
    await p.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/SQS',
        MetricData: [
          // Three received, one of them failed (not deleted): one ChangeMessageVisibility.
          {
            MetricName: 'NumberOfMessagesReceived',
            Dimensions: dims('QueueName', `${prefix}-inventory`),
            Value: 3,
            Timestamp: new Date(now - DATAPOINT_AGO_MS),
          },
          {
            MetricName: 'NumberOfMessagesDeleted',
            Dimensions: dims('QueueName', `${prefix}-inventory`),
            Value: 2,
            Timestamp: new Date(now - DATAPOINT_AGO_MS),
          },
          // The harness's completions queue is not the variant's.
          {
            MetricName: 'NumberOfMessagesReceived',
            Dimensions: dims('QueueName', `${prefix}-completions`),
            Value: 9,
            Timestamp: new Date(now - DATAPOINT_AGO_MS),
          },
        ],
      }),
    );
    await p.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/SNS',
        MetricData: [
          {
            MetricName: 'NumberOfMessagesPublished',
            Dimensions: dims('TopicName', `${prefix}-bus`),
            Value: 7,
            Timestamp: new Date(now - DATAPOINT_AGO_MS),
          },
        ],
      }),
    );
    // Two orders' event streams: 3 and 2 events, each one entry put on the bus.
    const doc = documentClient(harness.dynamodb);
    for (const [order, n] of [
      ['o1', 3],
      ['o2', 2],
    ] as const)
      for (let seq = 1; seq <= n; seq++)
        await doc.send(new PutCommand({ TableName: tables.orderEvents, Item: { pk: order, seq, event: '{}' } }));

    const log: string[] = [];
    const functions = { inventory: consumer, publisher };
    const edge = [
      // The edge's own DynamoDB writes are in the tables' metrics already: not counted twice.
      {
        service: 'dynamodb',
        operation: 'TransactWriteItems',
        calls: 2,
        errors: 0,
        throttles: 0,
        requestBytes: 0,
        responseBytes: 0,
        billingChunks: 2,
        readCapacityUnits: 0,
        writeCapacityUnits: 4,
        billedCapacityUnits: 4,
        items: 2,
        polling: false,
      },
    ];
    const eb = await providerCounts({ deployment: record('eventbridge', functions), harness, settleMs: 0, log: (l) => log.push(l) })({
      report: report(edge),
      window,
      placed: ['o1', 'o2'],
    });
    expect(eb.provider!.coldStarts).toEqual({ invocations: 4, coldStarts: 2, initMsTotal: 560.5 });
    expect(eb.lambda).toMatchObject({ tracedRuns: 4, durationMsTotal: 41 + 11 + 12 + 20, memoryMb: 1024 });
    const calls = Object.fromEntries(eb.metered.map((c) => [`${c.service}.${c.operation}`, c.calls || c.billedCapacityUnits]));
    expect(calls).toEqual({
      'lambda.Invoke': 3,
      'lambda.InvokeOutboxPublisher': 1,
      'dynamodb.ConsumedWriteCapacityUnits': 12,
      'dynamodb.ConsumedReadCapacityUnits': 4,
      'sqs.ChangeMessageVisibility': 1,
      'events.PutEvents': 5,
    });
    expect(eb.provider!.sources.join('\n')).toMatch(/function .*-inventory not found .* read from \/aws\/lambda\//);
    expect(eb.provider!.sources.join('\n')).toMatch(/PutEvents entries: 5, derived from the events in the 2 placed orders' streams/);

    // The SNS choreography: its topic's publishes, and no entries on a bus it does not have.
    const sns = await providerCounts({ deployment: record('choreography', functions), harness, settleMs: 0, log: () => {} })({
      report: report(),
      window,
      placed: ['o1', 'o2'],
    });
    expect(sns.metered.find((c) => c.service === 'sns')).toMatchObject({ operation: 'Publish', calls: 7, billingChunks: 7 });
    expect(sns.metered.some((c) => c.service === 'events')).toBe(false);

    // The cost model prices the provider's counts in the shape it prices a local run's.
    const usage = usageOf({ variant: 'eventbridge', report: eb, records: [], warmupRecords: [] });
    expect(usage.lambda).toEqual(eb.lambda);
    const cost = estimateCost(usage, PRICE_TABLE);
    const items = cost.breakdown.map((l) => `${l.service}: ${l.item}`).join('\n');
    expect(items).toMatch(/events: PutEvents entries/);
    expect(items).toMatch(/sqs: ChangeMessageVisibility/);
  });

  it('a queue received and deleted alike made no ChangeMessageVisibility, and more deletes than receives count none', () => {
    expect(changeVisibilityCalls([5, 5, 3, 1, 2, 4])).toBe(2);
  });

  it('orders placed but no DynamoDB datapoint yet: the sources say the bill misses those units', async () => {
    const out = await providerCounts({ deployment: record('eventbridge', {}), harness, settleMs: 0, log: () => {} })({
      report: report(),
      window: { fromMs: Date.now() - 1000, toMs: Date.now() },
      placed: ['nothing-written'],
    });
    expect(out.provider!.sources.join('\n')).toMatch(/NO DynamoDB datapoint in the window/);
    expect(out.lambda).toBeUndefined();
  });
});
