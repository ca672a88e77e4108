import type { TopLevelSpec } from 'vega-lite';
import type { Results } from '../../results/schema.ts';
import { levelsOf, measured } from '../derive.ts';
import { levelAxisTitle, variantLabel } from '../format.ts';
import { variantScale, type Chart } from './common.ts';

const xAxis = (r: Results) => ({
  field: 'level',
  type: 'quantitative' as const,
  title: levelAxisTitle(r.workload.loop),
  // '~r': plain numbers (24, 2.5); '~g' printed 24 as 2e+1 here.
  axis: { values: levelsOf(r), format: '~r' },
  scale: { zero: false, nice: false, padding: 12 },
});

/** p50 (solid) and p99 (dashed) latency against the load level, per variant. */
export function latencyLoadChart(r: Results): Chart | null {
  const values = r.variants.flatMap((v) =>
    v.levels.filter(measured).flatMap((l) => [
      { variant: variantLabel(v.name), level: l.level, percentile: 'p50', ms: l.latencyMs.p50 },
      { variant: variantLabel(v.name), level: l.level, percentile: 'p99', ms: l.latencyMs.p99 },
    ]),
  );
  if (!values.length) return null;
  return {
    id: 'latency-vs-load',
    title: 'Latency vs load (p50 solid, p99 dashed)',
    caption: 'p50 (solid) and p99 (dashed) latency at each load level. A steep line means the variant queues as load grows.',
    latency: true,
    spec: lineVsLoad(
      r,
      values,
      { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
      {
        strokeDash: {
          field: 'percentile',
          type: 'nominal',
          scale: {
            domain: ['p50', 'p99'],
            range: [
              [1, 0],
              [6, 4],
            ],
          },
          title: null,
          legend: null,
        },
        detail: { field: 'percentile', type: 'nominal' },
      },
    ),
  };
}

/** Completed orders per second against the load level, per variant. */
export function throughputLoadChart(r: Results): Chart | null {
  const values = r.variants.flatMap((v) =>
    v.levels.filter(measured).map((l) => ({ variant: variantLabel(v.name), level: l.level, throughput: l.throughputPerSec })),
  );
  if (!values.length) return null;
  return {
    id: 'throughput-vs-load',
    title: 'Throughput vs load',
    caption: 'Measured orders per second at each load level. A line that flattens has reached the most this substrate lets the variant do.',
    latency: true,
    spec: lineVsLoad(r, values, { field: 'throughput', type: 'quantitative', title: 'orders per second' }),
  };
}

/** One line per variant over the load levels: the shape both charts here share. */
function lineVsLoad(r: Results, values: object[], y: object, extra: object = {}): TopLevelSpec {
  return {
    width: 380,
    height: 240,
    data: { values },
    mark: { type: 'line', point: { size: 40 }, strokeWidth: 2 },
    encoding: {
      x: xAxis(r),
      y,
      color: { field: 'variant', type: 'nominal', scale: variantScale(r.variants.map((v) => v.name)), title: 'variant' },
      ...extra,
    },
  } as TopLevelSpec;
}
