import type { Results } from '../../results/schema.ts';
import { levelsOf, measured } from '../derive.ts';
import { fmtLevel, variantLabel } from '../format.ts';
import { variantScale, type Chart } from './common.ts';

/**
 * Latency CDF per variant, one panel per load level: the share of orders (y) done
 * within a latency (x, log scale). A curve further left is faster; a long flat tail on
 * the right is the slow orders (retries, queueing).
 */
export function latencyCdfChart(r: Results): Chart | null {
  const values = r.variants.flatMap((v) =>
    v.levels.filter(measured).flatMap((l) =>
      l.latencyMs.cdf.map((pt) => ({
        variant: variantLabel(v.name),
        load: fmtLevel(l.level, r.workload.loop),
        percentile: pt.p,
        // HdrHistogram's lowest bucket is 1 ms; a log axis cannot show 0.
        ms: Math.max(1, pt.ms),
      })),
    ),
  );
  if (!values.length) return null;
  return {
    id: 'latency-cdf',
    title: 'Latency distribution (CDF)',
    caption:
      'Share of orders (y) that reached their terminal state within a latency (x, log scale), per variant and load level. Further left is faster; the right end is the slowest orders.',
    latency: true,
    spec: {
      data: { values },
      facet: {
        column: {
          field: 'load',
          type: 'nominal',
          sort: levelsOf(r).map((l) => fmtLevel(l, r.workload.loop)),
          title: null,
          header: { labelFontSize: 12, labelFontWeight: 'bold' },
        },
      },
      spec: {
        width: 230,
        height: 200,
        mark: { type: 'line', interpolate: 'step-after', point: { size: 18 }, strokeWidth: 2 },
        encoding: {
          x: {
            field: 'ms',
            type: 'quantitative',
            scale: { type: 'log', nice: true },
            title: 'latency (ms, log scale)',
            axis: { tickCount: 5, format: '~s' },
          },
          y: { field: 'percentile', type: 'quantitative', scale: { domain: [0, 100] }, title: 'percentile of orders' },
          color: { field: 'variant', type: 'nominal', scale: variantScale(r.variants.map((v) => v.name)), title: 'variant' },
          order: { field: 'percentile', type: 'quantitative' },
        },
      },
    },
  };
}
