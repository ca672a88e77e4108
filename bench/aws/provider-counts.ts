import { setTimeout as sleep } from 'node:timers/promises';
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../../shared/aws/clients.ts';
import { Meter, mergeCounts, type OperationCount } from '../../shared/aws/metering.ts';
import { createProviderClients } from '../../shared/aws/provider/clients.ts';
import { readLambdaReports, summarizeReports } from '../../shared/aws/provider/lambda-reports.ts';
import { readMetricSums, type MetricQuery } from '../../shared/aws/provider/metrics.ts';
import { documentClient } from '../../shared/services/dynamo/document.ts';
import type { ProviderNames } from '../../shared/variant/deploy.ts';
import type { VariantReport } from '../../shared/variant/target.ts';
import type { Deployment } from '../../infra/deploy/record.ts';
import { variantOf } from '../../infra/variants.ts';
import { lambdaUsageFromReports, meteredFromMetrics, providerMetrics } from '../cost/provider-usage.ts';

/** An SQS queue's name from its URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
const queueName = (url: string) => url.split('/').pop()!;

/**
 * The SQS requests the services make themselves besides their event source mappings' receives
 * and deletes (which the cost model derives from the consumer invocations): a handler that fails a
 * record calls ChangeMessageVisibility on it once (choreography/handler.ts). No metric counts that
 * call, but every failed record is a message received and not deleted, so per queue it is
 * NumberOfMessagesReceived - NumberOfMessagesDeleted over the window. Derived, and labelled so.
 */
export function changeVisibilityQueries(queues: readonly string[]): MetricQuery[] {
  return queues.flatMap((QueueName) =>
    (['NumberOfMessagesReceived', 'NumberOfMessagesDeleted'] as const).map((metric) => ({
      namespace: 'AWS/SQS',
      metric,
      dimensions: { QueueName },
    })),
  );
}

/** Received - deleted per queue (pairs in changeVisibilityQueries' order), never below zero, as ChangeMessageVisibility calls. */
export function changeVisibilityCalls(sums: readonly number[]): number {
  let calls = 0;
  for (let i = 0; i + 1 < sums.length; i += 2) calls += Math.max(0, sums[i]! - sums[i + 1]!);
  return calls;
}

/**
 * The entries the services put on an EventBridge bus. AWS/Events publishes matches and target
 * invocations, not entries put, so they are counted from what the harness can read: every event on
 * the bus is one the orders service records in the order's stream (it consumes every other
 * service's events, and appends its own), once per messageId. A republished event (a retry after
 * a failed publish) is an entry this count misses: a lower bound, labelled so.
 */
export async function eventEntriesOf(harness: AwsClients, orderEventsTable: string, orderIds: readonly string[]): Promise<number> {
  const doc = documentClient(harness.dynamodb);
  let entries = 0;
  for (const id of orderIds) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: orderEventsTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': id },
          Select: 'COUNT',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      entries += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return entries;
}

/**
 * Each function's log group: its LoggingConfig's (the stacks give every function one of its own),
 * else Lambda's default. A function the record names that no longer exists is said so, and read at
 * the default name (a group of a deleted function still holds its lines).
 */
async function logGroupOf(lambda: LambdaClient, fn: string): Promise<{ group: string; missing?: true }> {
  const fallback = `/aws/lambda/${fn.split(':').pop()}`;
  try {
    const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
    return { group: c.LoggingConfig?.LogGroup ?? `/aws/lambda/${c.FunctionName ?? fn.split(':').pop()}` };
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
    return { group: fallback, missing: true };
  }
}

/**
 * What the provider counted of one level of a `--target aws` run, merged into the variant's report
 * in the shape the cost model reads locally: the functions' invocations, billed duration and cold
 * starts from their REPORT lines; SNS publishes and DynamoDB units from CloudWatch; the services'
 * own SQS requests and EventBridge entries derived as above. The edge's own DynamoDB calls (the
 * choreography's placeOrder) are left to the tables' metrics, which hold them: counted once.
 */
export function providerCounts(opts: {
  deployment: Deployment;
  harness: AwsClients;
  settleMs: number;
  log: (line: string) => void;
}): (r: { report: VariantReport; window: { fromMs: number; toMs: number }; placed: string[] }) => Promise<VariantReport> {
  const d = opts.deployment;
  if (d.placement.target !== 'aws') throw new Error('provider-side counts read an AWS deployment');
  const names: ProviderNames = variantOf(d.variant).deploy.provider(d.resources as never);
  const logGroups = new Map<string, { group: string; missing?: true }>();
  return async ({ report, window, placed }) => {
    if (opts.settleMs > 0) {
      opts.log(
        `${d.variant}: waiting ${Math.round(opts.settleMs / 1000)} s for the functions' REPORT lines and CloudWatch's metrics of the run`,
      );
      await sleep(opts.settleMs);
    }
    const provider = createProviderClients(opts.harness.target);
    const lambda = provider.lambda;
    const sources: string[] = [];
    try {
      const read = { fromMs: window.fromMs, toMs: window.toMs + opts.settleMs };
      const functions = [];
      for (const f of names.functions) {
        if (!logGroups.has(f.name)) logGroups.set(f.name, await logGroupOf(lambda, f.name));
        const g = logGroups.get(f.name)!;
        if (g.missing)
          sources.push(`Lambda: function ${f.name} not found (deleted since the deployment?); its REPORT lines read from ${g.group}`);
        functions.push({ role: f.role, summary: summarizeReports(await readLambdaReports(provider.logs, g.group, read)) });
      }
      const fromReports = lambdaUsageFromReports(functions);
      if (names.functions.length)
        sources.push(
          `Lambda: ${fromReports.cold.invocations} invocations, billed duration and ${fromReports.cold.coldStarts} cold starts from the REPORT lines of ${names.functions.length} functions (FilterLogEvents)`,
        );
      const durable = report.durable;
      if (durable)
        sources.push(
          `Lambda durable functions: ${durable.executions} executions, ${durable.operations} durable operations (step attempts, retries included), ${durable.retries} retries and ${durable.dataWrittenBytes} bytes written, from each execution's GetDurableExecutionHistory (the derivation a local run applies to its runner's history); invocations billed as executions + retries = ${durable.executions + durable.retries}, where the REPORT lines counted ${fromReports.cold.invocations}` +
            (durable.truncatedPayloads
              ? `; ${durable.truncatedPayloads} payloads were cut short in the histories, so the bytes written are a lower bound`
              : ''),
        );
      const metrics = providerMetrics({ topics: names.topics, tables: [...new Set(Object.values(d.tables))] });
      const visibility = changeVisibilityQueries(names.queues);
      const sums = await readMetricSums(provider.cloudwatch, [...metrics.map((m) => m.query), ...visibility], window);
      const fromMetrics = meteredFromMetrics(metrics, sums.slice(0, metrics.length));
      const total = (op: string) => fromMetrics.filter((c) => c.operation === op).reduce((a, c) => a + c.calls + c.billedCapacityUnits, 0);
      sources.push(
        `CloudWatch GetMetricData (1-minute sums over the run): DynamoDB ${total('ConsumedWriteCapacityUnits')} write and ${total('ConsumedReadCapacityUnits')} read units consumed by the ${new Set(Object.values(d.tables)).size} tables` +
          (names.topics.length ? `, SNS ${total('Publish')} NumberOfMessagesPublished of ${names.topics.join(', ')}` : '') +
          // Orders were placed, so their tables were written: no datapoint means CloudWatch had not published them yet.
          (placed.length && total('ConsumedWriteCapacityUnits') === 0
            ? `; NO DynamoDB datapoint in the window: CloudWatch had not published it (raise --provider-settle), so this bill misses those units`
            : ''),
      );
      const derived = new Meter();
      if (names.queues.length) {
        const calls = changeVisibilityCalls(sums.slice(metrics.length));
        if (calls > 0) derived.record('sqs', 'ChangeMessageVisibility', { calls, billingChunks: calls });
        sources.push(
          `SQS ChangeMessageVisibility: ${calls}, derived as NumberOfMessagesReceived - NumberOfMessagesDeleted of the ${names.queues.length} service queues (a failed record is received, not deleted, and made visible again once); the event source mappings' receives and deletes are the cost model's, one of each per consumer invocation`,
        );
      }
      if (names.eventBus) {
        const entries = await eventEntriesOf(opts.harness, d.tables.orderEvents, placed);
        if (entries > 0) derived.record('events', 'PutEvents', { calls: entries, billingChunks: entries, items: entries });
        sources.push(
          `EventBridge PutEvents entries: ${entries}, derived from the events in the ${placed.length} placed orders' streams (every event on the bus is recorded there once; a republished one is missed: a lower bound)`,
        );
      }
      // The edge's DynamoDB calls are in the tables' metrics; its other calls (StartExecution) are not anywhere else.
      const edge = report.metered.filter((c) => c.service !== 'dynamodb');
      const metered: OperationCount[] = mergeCounts(edge, fromReports.metered, fromMetrics, derived.snapshot());
      return {
        ...report,
        metered,
        ...(names.functions.length ? { lambda: fromReports.lambda } : {}),
        provider: { coldStarts: fromReports.cold, sources },
      };
    } finally {
      provider.destroy();
    }
  };
}
