import type { Results } from '../../results/schema.ts';
import { lineAt, projectionLines } from '../derive.ts';
import { fmtVolume, variantLabel } from '../format.ts';
import { variantScale, type Chart } from './common.ts';

const SAMPLES = 48;

/**
 * The what-if over monthly volume: each series' USD per month (fixed + per order ×
 * volume) on log–log axes, drawn from the same straight lines the projection holds
 * (densely sampled, so the curves meet exactly where the crossovers are), with every
 * crossover marked and labelled.
 */
export function costProjectionChart(r: Results): Chart | null {
  const p = r.projection;
  if (!p || !p.rows.length) return null;
  const lines = projectionLines(p);
  const vols = [...p.rows.map((x) => x.ordersPerMonth), ...p.crossovers.map((c) => c.ordersPerMonth)];
  const lo = Math.min(...vols);
  const hi = Math.max(...vols);
  const [a, b] = [Math.log10(lo), Math.log10(hi)];
  const xs = Array.from({ length: SAMPLES + 1 }, (_, i) => 10 ** (a + ((b - a) * i) / SAMPLES));
  const values = lines.flatMap((l) =>
    xs.map((v) => ({ series: variantLabel(l.series), volume: v, usd: lineAt(l, v) })).filter((x) => x.usd > 0),
  );
  const byName = new Map(lines.map((l) => [l.series, l]));
  const marks = p.crossovers.flatMap((c) => {
    const l = byName.get(c.a);
    if (!l) return [];
    return [
      {
        volume: c.ordersPerMonth,
        usd: lineAt(l, c.ordersPerMonth),
        label: `${variantLabel(c.a)} = ${variantLabel(c.b)} at ${fmtVolume(c.ordersPerMonth)}/month`,
      },
    ];
  });
  const color = variantScale(lines.map((l) => l.series));
  return {
    id: 'cost-projection',
    title: 'What-if: cost per month by volume',
    caption: `USD per month (log scale) against orders per month (log scale): per-order cost × volume plus any fixed monthly cost. ${marks.length ? 'Circles mark the crossovers, where the cheaper variant changes.' : 'No two lines cross: the order of the variants holds at every volume.'}`,
    latency: false,
    spec: {
      width: 460,
      height: 280,
      layer: [
        {
          data: { values },
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x: {
              field: 'volume',
              type: 'quantitative',
              scale: { type: 'log' },
              title: 'orders per month (log scale)',
              axis: { format: '~s' },
            },
            y: { field: 'usd', type: 'quantitative', scale: { type: 'log' }, title: 'USD per month (log scale)', axis: { format: '$~s' } },
            color: { field: 'series', type: 'nominal', scale: color, title: 'variant' },
          },
        },
        ...(marks.length
          ? [
              {
                data: { values: marks },
                mark: { type: 'point' as const, shape: 'circle', size: 120, filled: false, strokeWidth: 2, color: '#d62728' },
                encoding: { x: { field: 'volume', type: 'quantitative' as const }, y: { field: 'usd', type: 'quantitative' as const } },
              },
              {
                data: { values: marks },
                mark: { type: 'text' as const, align: 'left' as const, dx: 8, dy: -8, fontSize: 11, color: '#b01f1f' },
                encoding: {
                  x: { field: 'volume', type: 'quantitative' as const },
                  y: { field: 'usd', type: 'quantitative' as const },
                  text: { field: 'label' },
                },
              },
            ]
          : []),
      ],
    },
  };
}
