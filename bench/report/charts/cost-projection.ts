import type { Results } from '../../results/schema.ts';
import { seriesAt } from '../derive.ts';
import { fmtUsd, fmtVolume, variantLabel } from '../format.ts';
import { variantScale, type Chart } from './common.ts';

/** Dollars on an axis: "$0.01", "$1,000", never an SI prefix ("$10m" reads as millions but means milli). */
export const USD_AXIS_FORMAT = '$,.2~f';
/** Orders on an axis: "1,000", "100,000,000". */
export const COUNT_AXIS_FORMAT = ',~d';

/**
 * The monthly bill by volume: each series' bill as the projection computed it (allowances,
 * volume steps, plan fees and fixed lines included, so the curves bend where the bill
 * does) on log–log axes, with every crossover marked and labelled.
 */
export function costProjectionChart(r: Results): Chart | null {
  const p = r.projection;
  if (!p || !p.rows.length) return null;
  const series = Object.keys(p.rows[0]!.usdByVariant);
  const values = p.rows.flatMap((row) =>
    series.map((s) => ({ series: variantLabel(s), volume: row.ordersPerMonth, usd: row.usdByVariant[s] ?? 0 })).filter((x) => x.usd > 0),
  );
  const marks = p.crossovers.map((c) => {
    const usd = seriesAt(p, c.a, c.ordersPerMonth);
    return {
      volume: c.ordersPerMonth,
      usd,
      label: `${variantLabel(c.a)} = ${variantLabel(c.b)}: ${fmtVolume(c.ordersPerMonth)}/month, ${fmtUsd(usd)}`,
    };
  });
  const color = variantScale(series);
  const o = p.options;
  return {
    id: 'cost-projection',
    title: 'Projection: the monthly bill by volume',
    caption:
      `USD per month (log scale) against orders per month (log scale), 1,000 to 100,000,000: per-order counts from this run × list prices, through each price's volume steps, ` +
      `plus fixed monthly costs and plan fees (Temporal Cloud ${o.temporalPlan} plan; AWS free tier ${o.freeTier ? 'counted' : 'not counted'}). ` +
      (marks.length
        ? 'Circles mark the crossovers, where the cheaper series changes.'
        : 'No two series cross between 1,000 and 100,000,000 orders a month: the order of the variants holds over the whole range.'),
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
              axis: { format: COUNT_AXIS_FORMAT },
            },
            y: {
              field: 'usd',
              type: 'quantitative',
              scale: { type: 'log' },
              title: 'USD per month (log scale)',
              axis: { format: USD_AXIS_FORMAT },
            },
            color: { field: 'series', type: 'nominal', scale: color, title: 'variant' },
            tooltip: [
              { field: 'series', type: 'nominal' },
              { field: 'volume', type: 'quantitative', format: COUNT_AXIS_FORMAT, title: 'orders/month' },
              { field: 'usd', type: 'quantitative', format: USD_AXIS_FORMAT, title: 'USD/month' },
            ],
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
