import type { Results } from '../../results/schema.ts';
import { sampleTrace, timelineOf } from '../derive.ts';
import { fmtMs, variantLabel } from '../format.ts';
import { serviceScale, type Chart } from './common.ts';

const HOP = 'hop (delivery / engine)';

/**
 * A Gantt of one sample order per variant: each step (coloured by the service that ran
 * it) and, before it, the hop that brought the work there (grey), on a shared time axis
 * from the order's start.
 */
export function timelineChart(r: Results): Chart | null {
  const headers: string[] = [];
  const values = r.variants.flatMap((v) => {
    const t = sampleTrace(v);
    if (!t) return [];
    const tl = timelineOf(t);
    const header = `${variantLabel(v.name)}: ${tl.orderId} (${tl.status}${tl.latencyMs !== null ? `, ${fmtMs(tl.latencyMs)} ms` : ''})`;
    headers.push(header);
    return tl.bars.map((b) => ({
      order: header,
      row: b.row,
      index: b.index,
      kind: b.kind,
      colour: b.kind === 'hop' ? HOP : b.service,
      start: b.startMs,
      end: b.endMs,
    }));
  });
  if (!values.length) return null;
  const services = [...new Set(values.filter((x) => x.kind === 'step').map((x) => x.colour))].sort();
  const scale = serviceScale(services);
  return {
    id: 'timeline',
    title: 'One order, step by step',
    caption:
      "One sample order per variant (the first completed order sampled). Coloured bars are the steps each service ran; grey bars are the hops before them, from the end of the step that caused them (or the order's start) to the step's start, and the last one to the terminal state.",
    latency: true,
    spec: {
      data: { values },
      facet: {
        row: {
          field: 'order',
          type: 'nominal',
          title: null,
          sort: headers,
          header: {
            labelAngle: 0,
            labelAlign: 'left',
            labelAnchor: 'start',
            labelOrient: 'top',
            labelFontSize: 12,
            labelFontWeight: 'bold',
          },
        },
      },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 560,
        height: { step: 15 },
        mark: { type: 'bar', cornerRadius: 2 },
        encoding: {
          y: {
            field: 'row',
            type: 'nominal',
            sort: { field: 'index', op: 'min', order: 'ascending' },
            title: null,
            axis: { labelLimit: 400 },
          },
          x: { field: 'start', type: 'quantitative', title: 'ms since the order started' },
          x2: { field: 'end' },
          color: {
            field: 'colour',
            type: 'nominal',
            scale: { domain: [...scale.domain, HOP], range: [...scale.range, '#c8c8c8'] },
            title: 'service',
          },
        },
      },
    },
  };
}
