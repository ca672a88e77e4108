import type { Results } from '../../results/schema.ts';
import { levelsOf } from '../derive.ts';
import { fmtLevel, variantLabel } from '../format.ts';
import { variantScale, type Chart } from './common.ts';

/**
 * Each variant's p50 over its substrate floor's p50 (the same hops with no domain
 * logic), per load level; the rule at 1 is the floor itself.
 */
export function floorRatioChart(r: Results): Chart | null {
  const values = r.variants.flatMap((v) =>
    v.levels.flatMap((l) =>
      l.floor?.ratio != null ? [{ variant: variantLabel(v.name), load: fmtLevel(l.level, r.workload.loop), ratio: l.floor.ratio }] : [],
    ),
  );
  if (!values.length) return null;
  return {
    id: 'floor-ratio',
    title: 'Variant ÷ substrate floor',
    caption:
      "Each variant's p50 divided by the p50 of its substrate floor at the same load (the rule at 1 is the floor). Near 1: the engine's hops are the cost; well above 1: the variant's own work and waiting.",
    latency: true,
    spec: {
      width: 380,
      height: 240,
      layer: [
        {
          data: { values },
          mark: { type: 'bar' },
          encoding: {
            x: {
              field: 'load',
              type: 'nominal',
              sort: levelsOf(r).map((l) => fmtLevel(l, r.workload.loop)),
              title: null,
              axis: { labelAngle: 0 },
            },
            xOffset: { field: 'variant', type: 'nominal', sort: r.variants.map((v) => variantLabel(v.name)) },
            y: { field: 'ratio', type: 'quantitative', title: 'p50 ÷ floor p50' },
            color: { field: 'variant', type: 'nominal', scale: variantScale(r.variants.map((v) => v.name)), title: 'variant' },
          },
        },
        {
          data: { values: [{ one: 1 }] },
          mark: { type: 'rule', color: '#333', strokeDash: [4, 3] },
          encoding: { y: { field: 'one', type: 'quantitative' } },
        },
      ],
    },
  };
}
