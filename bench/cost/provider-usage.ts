import { Meter, type OperationCount } from '../../shared/aws/metering.ts';
import type { LambdaReportSummary } from '../../shared/aws/provider/lambda-reports.ts';
import type { MetricQuery } from '../../shared/aws/provider/metrics.ts';
import { FUNCTION_DEFAULTS } from '../../shared/topology/functions.ts';
import type { UsageSample } from './model.ts';

/**
 * What a deployed function does, for the bill: a queue consumer (its SQS event source
 * mapping's messages), the outbox publisher on the event store's stream, or a function
 * whose invocations the registry counts another way (a Step Functions task, the durable saga).
 */
export type FunctionRole = 'consumer' | 'publisher' | 'other';

/** Invocations split into cold and warm: the report shows cold starts apart, they are not in the billed duration's average. */
export interface ColdStarts {
  coldStarts: number;
  initMsTotal: number;
  invocations: number;
}

/**
 * Lambda's own REPORT lines (read on AWS from each function's log group) as the cost model
 * reads a local run's Lambda usage: the meter's invocation records, under the operations the
 * local meter uses for the same roles, and the duration priced, here the billed one (Lambda's
 * rounding included) rather than the traced handler time.
 */
export function lambdaUsageFromReports(functions: ReadonlyArray<{ role: FunctionRole; summary: LambdaReportSummary }>): {
  metered: OperationCount[];
  lambda: NonNullable<UsageSample['lambda']>;
  cold: ColdStarts;
} {
  const meter = new Meter();
  for (const { role, summary } of functions) {
    if (role === 'other' || summary.invocations === 0) continue;
    const n = summary.invocations;
    meter.record('lambda', role === 'consumer' ? 'Invoke' : 'InvokeOutboxPublisher', { calls: n, billingChunks: n, items: n });
  }
  const all = functions.map((f) => f.summary);
  const memory = Math.max(0, ...all.map((s) => s.memoryMb));
  return {
    metered: meter.snapshot(),
    lambda: {
      tracedRuns: all.reduce((a, s) => a + s.invocations, 0),
      durationMsTotal: all.reduce((a, s) => a + s.billedMsTotal, 0),
      memoryMb: memory > 0 ? memory : FUNCTION_DEFAULTS.memoryMb,
      arch: FUNCTION_DEFAULTS.architecture,
    },
    cold: {
      coldStarts: all.reduce((a, s) => a + s.coldStarts, 0),
      initMsTotal: all.reduce((a, s) => a + s.initMsTotal, 0),
      invocations: all.reduce((a, s) => a + s.invocations, 0),
    },
  };
}

/** What a deployment's stacks name, for the metrics its run is read from. */
export interface DeployedNames {
  topics: readonly string[];
  tables: readonly string[];
}

/**
 * The CloudWatch metrics whose sums over a run stand for the calls the cost model bills
 * that the harness cannot meter on AWS, each with the count it becomes: SNS publishes
 * (each taken as one 64 KB chunk: the events are small, larger documents go to the claim
 * check) and DynamoDB's consumed units per table (as AWS bills them, so the model's own
 * per-item rules are not applied again).
 */
export function providerMetrics(
  names: DeployedNames,
): Array<{ query: MetricQuery; count(sum: number): Partial<OperationCount> & Pick<OperationCount, 'service' | 'operation'> }> {
  return [
    ...names.topics.map((TopicName) => ({
      query: { namespace: 'AWS/SNS', metric: 'NumberOfMessagesPublished', dimensions: { TopicName } },
      count: (n: number) => ({ service: 'sns', operation: 'Publish', calls: n, billingChunks: n }),
    })),
    ...names.tables.flatMap((TableName) =>
      (['ConsumedWriteCapacityUnits', 'ConsumedReadCapacityUnits'] as const).map((metric) => ({
        query: { namespace: 'AWS/DynamoDB', metric, dimensions: { TableName } },
        // CloudWatch's units are AWS's own: the same figure as reported and as billed.
        count: (units: number) => ({
          service: 'dynamodb',
          operation: metric,
          billedCapacityUnits: units,
          ...(metric === 'ConsumedWriteCapacityUnits' ? { writeCapacityUnits: units } : { readCapacityUnits: units }),
        }),
      })),
    ),
  ];
}

/** The metrics' sums (readMetricSums, in the same order) as metered counts, summed per service and operation. */
export function meteredFromMetrics(metrics: ReturnType<typeof providerMetrics>, sums: readonly number[]): OperationCount[] {
  const meter = new Meter();
  metrics.forEach((m, i) => {
    const { service, operation, ...delta } = m.count(sums[i] ?? 0);
    if (sums[i]) meter.record(service, operation, delta);
  });
  return meter.snapshot();
}
