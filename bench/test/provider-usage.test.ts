import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { createProviderClients, type ProviderClients } from '../../shared/aws/provider/clients.ts';
import { readMetricSums } from '../../shared/aws/provider/metrics.ts';
import { parseReportLine, summarizeReports } from '../../shared/aws/provider/lambda-reports.ts';
import { lambdaUsageFromReports, meteredFromMetrics, providerMetrics } from '../cost/provider-usage.ts';
import { estimateCost } from '../cost/model.ts';
import { PRICE_TABLE } from '../cost/prices.ts';

const report = (id: string, ms: number, init?: number) =>
  parseReportLine(
    `REPORT RequestId: ${id}\tDuration: ${ms} ms\tBilled Duration: ${Math.ceil(ms)} ms\tMemory Size: 256 MB\tMax Memory Used: 90 MB\t` +
      (init ? `Init Duration: ${init} ms\t` : ''),
  )!;

describe('Lambda usage from REPORT lines (what bench --target aws reads provider-side)', () => {
  it('gives the cost model the shape a local run gives it: invocations by role, billed time, cold starts apart', () => {
    const consumer = summarizeReports([report('a', 10.2, 200), report('b', 4.1), report('c', 5)]);
    const publisher = summarizeReports([report('p', 2.5, 150)]);
    const u = lambdaUsageFromReports([
      { role: 'consumer', summary: consumer },
      { role: 'publisher', summary: publisher },
    ]);
    expect(u.metered.map((c) => [c.service, c.operation, c.calls])).toEqual([
      ['lambda', 'Invoke', 3],
      ['lambda', 'InvokeOutboxPublisher', 1],
    ]);
    // Billed milliseconds, rounded up per invocation as Lambda bills them: 11 + 5 + 5 + 3.
    expect(u.lambda).toEqual({ tracedRuns: 4, durationMsTotal: 24, memoryMb: 256, arch: 'arm64' });
    expect(u.cold).toEqual({ coldStarts: 2, initMsTotal: 350, invocations: 4 });

    const cost = estimateCost({ variant: 'choreography', orders: 1, metered: u.metered, lambda: u.lambda }, PRICE_TABLE);
    // The breakdown is per million orders; this sample is one order.
    const line = (re: RegExp) => cost.breakdown.find((l) => re.test(l.item))!.count / 1e6;
    expect(line(/^invocations/)).toBe(4);
    // 4 invocations x ceil(24 / 4) ms at 256 MB, in GB-seconds.
    expect(line(/^duration arm64/)).toBeCloseTo(((4 * 6) / 1000) * 0.25, 10);
    // The event source mapping's receive and delete per consumer invocation, as for a local run.
    expect(line(/event source mapping/)).toBe(6);
  });
});

describe('SNS and DynamoDB counts from CloudWatch metrics (what bench --target aws reads provider-side)', () => {
  const substrate = inject('substrate');
  let p: ProviderClients;
  beforeAll(() => {
    p = createProviderClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => p.destroy());

  it("the services' metrics, put into moto and read back over the run's window, become the metered counts the model bills", async () => {
    // Names of this test's own, so the namespaces' other datapoints (another test's) are not summed.
    const id = randomUUID().slice(0, 8);
    const names = { topics: [`t-${id}`], tables: [`orders-${id}`, `payments-${id}`] };
    const now = Date.now();
    const put = (Namespace: string, MetricName: string, Name: string, Value: string, v: number) =>
      p.cloudwatch.send(
        new PutMetricDataCommand({
          Namespace,
          MetricData: [{ MetricName, Dimensions: [{ Name, Value }], Value: v, Timestamp: new Date(now - 30_000) }],
        }),
      );
    await put('AWS/SNS', 'NumberOfMessagesPublished', 'TopicName', `t-${id}`, 12);
    await put('AWS/DynamoDB', 'ConsumedWriteCapacityUnits', 'TableName', `orders-${id}`, 30);
    await put('AWS/DynamoDB', 'ConsumedWriteCapacityUnits', 'TableName', `payments-${id}`, 8);
    await put('AWS/DynamoDB', 'ConsumedReadCapacityUnits', 'TableName', `orders-${id}`, 5.5);
    const metrics = providerMetrics(names);
    const sums = await readMetricSums(
      p.cloudwatch,
      metrics.map((m) => m.query),
      { fromMs: now - 120_000, toMs: now },
    );
    const metered = meteredFromMetrics(metrics, sums);
    expect(metered.map((c) => [c.service, c.operation, c.calls, c.billedCapacityUnits])).toEqual([
      ['dynamodb', 'ConsumedReadCapacityUnits', 0, 5.5],
      ['dynamodb', 'ConsumedWriteCapacityUnits', 0, 38],
      ['sns', 'Publish', 12, 0],
    ]);
    const cost = estimateCost(
      { variant: 'choreography', orders: 1, metered, lambda: { tracedRuns: 0, durationMsTotal: 0, memoryMb: 256, arch: 'arm64' } },
      PRICE_TABLE,
    );
    const line = (re: RegExp) => cost.breakdown.find((l) => re.test(l.item))!.count / 1e6;
    expect(line(/^Publish/)).toBe(12);
    expect(line(/ConsumedWriteCapacityUnits write units/)).toBe(38);
    expect(line(/ConsumedReadCapacityUnits read units/)).toBe(5.5);
  });
});
