import type { Results } from '../../results/schema.ts';
import { costByService, costSeries } from '../derive.ts';
import { fmtUsd, variantLabel } from '../format.ts';
import { serviceScale, type Chart } from './common.ts';
import { USD_AXIS_FORMAT } from './cost-projection.ts';

/** Cost per 1M orders as one stacked bar per variant, split by the service billed. */
export function costServicesChart(r: Results): Chart | null {
  const series = costSeries(r);
  if (!series.length) return null;
  const values = series.flatMap((s) =>
    costByService(s.cost).map((c) => ({ variant: variantLabel(s.series), service: c.service, usd: c.usdPerMillionOrders })),
  );
  const totals = series.map((s) => ({
    variant: variantLabel(s.series),
    total: s.cost.perMillionOrdersUsd,
    label: fmtUsd(s.cost.perMillionOrdersUsd),
  }));
  const order = [...totals].sort((a, b) => a.total - b.total).map((t) => t.variant);
  const services = [...new Set(values.map((v) => v.service))].sort();
  return {
    id: 'cost-by-service',
    title: 'Cost per 1M orders, by service',
    caption:
      'USD per million orders at list prices, stacked by the service that bills it; what-if bars price the same run as another deployment option.',
    latency: false,
    spec: {
      width: 420,
      height: { step: 34 },
      layer: [
        {
          data: { values },
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'variant', type: 'nominal', sort: order, title: null, axis: { labelLimit: 400 } },
            x: {
              field: 'usd',
              type: 'quantitative',
              stack: 'zero',
              title: 'USD per 1M orders',
              axis: { format: USD_AXIS_FORMAT },
              scale: { domainMax: Math.max(...totals.map((t) => t.total)) * 1.2, nice: false },
            },
            color: {
              field: 'service',
              type: 'nominal',
              scale: serviceScale(services),
              title: 'service',
              legend: { orient: 'bottom', direction: 'horizontal' },
            },
            order: { field: 'usd', type: 'quantitative', sort: 'descending' },
            tooltip: [
              { field: 'variant', type: 'nominal' },
              { field: 'service', type: 'nominal' },
              { field: 'usd', type: 'quantitative', format: USD_AXIS_FORMAT, title: 'USD per 1M orders' },
            ],
          },
        },
        {
          data: { values: totals },
          mark: { type: 'text', align: 'left', dx: 4, fontWeight: 'bold' },
          encoding: {
            y: { field: 'variant', type: 'nominal', sort: order },
            x: { field: 'total', type: 'quantitative' },
            text: { field: 'label' },
          },
        },
      ],
    },
  };
}
