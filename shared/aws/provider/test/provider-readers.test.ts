import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { createProviderClients, type ProviderClients } from '../clients.ts';
import { parseReportLine, readLambdaReports, summarizeReports } from '../lambda-reports.ts';
import { readMetricSums } from '../metrics.ts';

// What Lambda writes at the end of each invocation, in its text format (tab-separated) and its JSON one.
const warm = (id: string, ms: number) =>
  `REPORT RequestId: ${id}\tDuration: ${ms} ms\tBilled Duration: ${Math.ceil(ms)} ms\tMemory Size: 256 MB\tMax Memory Used: 91 MB\t`;
const cold = (id: string, ms: number, init: number) => `${warm(id, ms)}Init Duration: ${init} ms\t`;
const json = (id: string, ms: number, init?: number) =>
  JSON.stringify({
    time: '2026-11-30T21:00:00.000Z',
    type: 'platform.report',
    record: {
      requestId: id,
      metrics: {
        durationMs: ms,
        billedDurationMs: Math.ceil(ms),
        memorySizeMB: 256,
        maxMemoryUsedMB: 88,
        ...(init ? { initDurationMs: init } : {}),
      },
      status: 'success',
    },
  });

describe('parseReportLine', () => {
  it('reads both formats, Init Duration only on a cold start, and nothing from other lines', () => {
    expect(parseReportLine(warm('a', 12.34))).toEqual({
      requestId: 'a',
      durationMs: 12.34,
      billedMs: 13,
      memoryMb: 256,
      maxMemoryUsedMb: 91,
    });
    expect(parseReportLine(cold('b', 40.5, 180.25))).toMatchObject({ requestId: 'b', durationMs: 40.5, billedMs: 41, initMs: 180.25 });
    expect(parseReportLine(json('c', 7.5, 150))).toEqual({
      requestId: 'c',
      durationMs: 7.5,
      billedMs: 8,
      memoryMb: 256,
      maxMemoryUsedMb: 88,
      initMs: 150,
    });
    for (const other of [
      'START RequestId: d Version: $LATEST',
      'END RequestId: d',
      'REPORT nothing',
      '{"type":"platform.start"}',
      '{not json',
    ])
      expect(parseReportLine(other), other).toBeUndefined();
  });
});

describe('provider-side readers against moto (CloudWatch Logs and CloudWatch metrics)', () => {
  const substrate = inject('substrate');
  let p: ProviderClients;
  beforeAll(() => {
    p = createProviderClients({ kind: 'local', endpoints: substrate.moto.endpoints });
  });
  afterAll(() => p.destroy());

  it('REPORT lines put into a log group are read back in the window, cold starts apart, each invocation once', async () => {
    const group = `/aws/lambda/sb-${randomUUID().slice(0, 8)}`;
    await p.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await p.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's1' }));
    const t0 = Date.now() - 60_000;
    const lines = [
      [t0 - 30_000, warm('before', 5)], // before the window
      [t0, `START RequestId: r1 Version: $LATEST`],
      [t0 + 1, cold('r1', 40.5, 180.25)],
      [t0 + 2, `END RequestId: r1`],
      [t0 + 1000, warm('r2', 12.34)],
      [t0 + 2000, json('r3', 7.5)],
      [t0 + 3000, 'a line the handler logged that mentions REPORT but is not one'],
    ] as const;
    await p.logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 's1',
        logEvents: lines.map(([timestamp, message]) => ({ timestamp, message })),
      }),
    );
    const reports = await readLambdaReports(p.logs, group, { fromMs: t0 - 1000, toMs: t0 + 10_000 });
    expect(reports.map((r) => r.requestId).sort()).toEqual(['r1', 'r2', 'r3']);
    const s = summarizeReports([...reports, ...reports]);
    expect(s).toEqual({
      invocations: 3,
      durationMsTotal: 40.5 + 12.34 + 7.5,
      billedMsTotal: 41 + 13 + 8,
      memoryMb: 256,
      maxMemoryUsedMb: 91,
      coldStarts: 1,
      initMsTotal: 180.25,
    });
    // A function never invoked has no log group yet: no reports, not an error.
    expect(await readLambdaReports(p.logs, `${group}-none`, { fromMs: t0, toMs: t0 + 1 })).toEqual([]);
  });

  it('GetMetricData sums a metric over the window, per dimension, 0 where nothing was put', async () => {
    const ns = `Sagabench/Test${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    const at = (msAgo: number) => new Date(now - msAgo);
    await p.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: ns,
        MetricData: [
          { MetricName: 'NumberOfMessagesSent', Dimensions: [{ Name: 'QueueName', Value: 'q1' }], Value: 3, Timestamp: at(120_000) },
          { MetricName: 'NumberOfMessagesSent', Dimensions: [{ Name: 'QueueName', Value: 'q1' }], Value: 4, Timestamp: at(30_000) },
          { MetricName: 'NumberOfMessagesSent', Dimensions: [{ Name: 'QueueName', Value: 'q2' }], Value: 5, Timestamp: at(30_000) },
          // Long before the window: not this run's.
          { MetricName: 'NumberOfMessagesSent', Dimensions: [{ Name: 'QueueName', Value: 'q1' }], Value: 100, Timestamp: at(3_600_000) },
        ],
      }),
    );
    const q = (QueueName: string, metric = 'NumberOfMessagesSent') => ({ namespace: ns, metric, dimensions: { QueueName } });
    const sums = await readMetricSums(p.cloudwatch, [q('q1'), q('q2'), q('q3'), q('q1', 'NumberOfEmptyReceives')], {
      fromMs: now - 300_000,
      toMs: now,
    });
    expect(sums).toEqual([7, 5, 0, 0]);
  });
});
