import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';

/** One metric the provider keeps, summed over the run's window. */
export interface MetricQuery {
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
}

/** GetMetricData takes at most 500 queries a call. */
const QUERIES_PER_CALL = 500;

/**
 * Each metric's Sum over [fromMs, toMs], in one-minute periods (the finest the services
 * publish these at), added up: the counts the run caused. CloudWatch publishes a minute's
 * datapoint a few minutes late, so the caller reads after waiting for the window to settle.
 * A metric with no datapoint in the window sums to 0.
 */
export async function readMetricSums(
  cloudwatch: CloudWatchClient,
  queries: readonly MetricQuery[],
  window: { fromMs: number; toMs: number },
): Promise<number[]> {
  const sums = queries.map(() => 0);
  // Whole minutes around the window: a period that starts before it still holds the run's first calls.
  const start = new Date(Math.floor(window.fromMs / 60_000) * 60_000);
  const end = new Date(Math.ceil(window.toMs / 60_000) * 60_000 + 60_000);
  for (let base = 0; base < queries.length; base += QUERIES_PER_CALL) {
    const chunk = queries.slice(base, base + QUERIES_PER_CALL);
    const metricQueries: MetricDataQuery[] = chunk.map((q, i) => ({
      Id: `m${base + i}`,
      MetricStat: {
        Metric: {
          Namespace: q.namespace,
          MetricName: q.metric,
          Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: 60,
        Stat: 'Sum',
      },
      ReturnData: true,
    }));
    let nextToken: string | undefined;
    do {
      const page = await cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: metricQueries,
          StartTime: start,
          EndTime: end,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      for (const r of page.MetricDataResults ?? []) {
        const i = Number(r.Id?.slice(1));
        if (Number.isInteger(i) && i >= 0 && i < sums.length) sums[i]! += (r.Values ?? []).reduce((a, v) => a + v, 0);
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return sums;
}
