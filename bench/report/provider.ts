import type { Results } from '../results/schema.ts';
import { fmtLevel, fmtMs, variantLabel } from './format.ts';
import { col, num, text, type Cell } from './table.ts';
import type { Section } from './model.ts';

/**
 * "Cold starts and provider-side counts", for a run on AWS: the Lambda invocations whose REPORT
 * line carried an Init Duration, kept apart from the latency and cost figures (an order whose path
 * met a cold start is in the latency percentiles as measured; this says how many there were and
 * what they took), and where each count the bill was priced from came from. Absent for local runs,
 * where the meter counts every call and nothing starts cold.
 */
export function providerSection(r: Results): Section | null {
  const levels = r.variants.flatMap((v) => v.levels.flatMap((l) => (l.provider ? [{ v, l, p: l.provider }] : [])));
  if (!levels.length) return null;
  const rows: Cell[][] = levels.map(({ v, l, p }) => [
    text(variantLabel(v.name)),
    text(fmtLevel(l.level, l.loop)),
    num(String(p.coldStarts.invocations)),
    num(String(p.coldStarts.coldStarts)),
    num(p.coldStarts.invocations ? `${((100 * p.coldStarts.coldStarts) / p.coldStarts.invocations).toFixed(1)} %` : '—'),
    num(p.coldStarts.coldStarts ? fmtMs(p.coldStarts.initMsTotal / p.coldStarts.coldStarts) : '—'),
  ]);
  const sources = [
    ...new Set(levels.flatMap(({ v, l, p }) => p.sources.map((s) => `${variantLabel(v.name)} @${fmtLevel(l.level, l.loop)}: ${s}`))),
  ];
  return {
    id: 'provider',
    title: 'Cold starts and provider-side counts (AWS)',
    intro: [
      "On AWS the variants' own calls run inside Lambda and ECS, out of the harness's reach: the bill was priced from what the provider recorded, listed below with how each count was had.",
      ...sources,
    ],
    charts: [],
    tables: [
      {
        id: 'cold-starts',
        title: 'Lambda cold starts, from the functions’ REPORT lines (kept apart from the latency and cost figures)',
        caption:
          'A cold start is an invocation whose REPORT line carries an Init Duration: the time Lambda took to start the execution environment, before the handler ran.',
        columns: [
          col('variant'),
          col('level'),
          col('invocations', true),
          col('cold starts', true),
          col('share', true),
          col('mean Init Duration', true),
        ],
        rows,
      },
    ],
  };
}
