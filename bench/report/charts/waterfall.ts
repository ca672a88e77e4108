import type { Results, VariantResult } from '../../results/schema.ts';
import { fmtLevel, variantLabel } from '../format.ts';
import { SEGMENT_COLORS, SEGMENTS } from '../segments.ts';
import type { Chart } from './common.ts';

/**
 * One variant's mean order, per load level, as a waterfall: each segment of the
 * critical path starts where the one before it ended, so the bar's end is the mean
 * latency. Means, because they add up; the table beside it gives p50 and p99.
 */
export function waterfallChart(r: Results, v: VariantResult): Chart | null {
  const values = v.levels.flatMap((l) => {
    if (!l.segmentsMs) return [];
    let at = 0;
    return SEGMENTS.flatMap((s) => {
      const ms = l.segmentsMs![s].mean;
      const bar = {
        load: fmtLevel(l.level, r.workload.loop),
        segment: s,
        start: at,
        end: at + ms,
        ms,
        p50: l.segmentsMs![s].p50,
        p99: l.segmentsMs![s].p99,
      };
      at += ms;
      return ms > 0 ? [bar] : [];
    });
  });
  if (!values.length) return null;
  return {
    id: `waterfall-${v.name}`,
    title: `Where the time goes: ${variantLabel(v.name)}`,
    caption: `${variantLabel(v.name)}: the mean order's critical path at each load, segment after segment (means, so the bar ends at the mean latency; the table gives each segment's p50 and p99).`,
    latency: true,
    spec: {
      width: 420,
      height: { step: 26 },
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'load', type: 'nominal', sort: v.levels.map((l) => fmtLevel(l.level, r.workload.loop)), title: null },
        x: { field: 'start', type: 'quantitative', title: 'ms (mean order)' },
        x2: { field: 'end' },
        color: {
          field: 'segment',
          type: 'nominal',
          scale: { domain: [...SEGMENTS], range: SEGMENTS.map((s) => SEGMENT_COLORS[s]) },
          title: 'segment',
        },
        tooltip: [
          { field: 'segment', type: 'nominal' },
          { field: 'ms', type: 'quantitative', title: 'mean ms' },
          { field: 'p50', type: 'quantitative', title: 'p50 ms' },
          { field: 'p99', type: 'quantitative', title: 'p99 ms' },
        ],
      },
    },
  };
}
