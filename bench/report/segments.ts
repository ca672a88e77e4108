import type { Results } from '../results/schema.ts';
import { fmtLevel, fmtMs, variantLabel } from './format.ts';
import { col, num, text, type Cell, type Table } from './table.ts';
import { variantOf } from '../../infra/variants.ts';
import { SEGMENTS, SEGMENT_MEANING, type Segment } from '../attribution.ts';

export const segmentMeaning = (s: Segment): string => SEGMENT_MEANING[s];
export { SEGMENTS };

/** One colour per segment, the same in every waterfall. */
export const SEGMENT_COLORS: Record<Segment, string> = {
  submit: '#bab0ac',
  'first-hop': '#4c78a8',
  handler: '#f58518',
  dynamodb: '#9d755d',
  publish: '#72b7b2',
  answer: '#b279a2',
  'hand-off': '#54a24b',
  'retry-wait': '#eeca3b',
  close: '#e45756',
};

/**
 * Per variant and segment: what it is, whether the pattern requires it, and its
 * mean, p50 and p99 at each load level. A segment that is zero everywhere and that
 * the pattern does not have is left out.
 */
export function segmentsTable(r: Results): Table | null {
  const levels = [...new Set(r.variants.flatMap((v) => v.levels.filter((l) => l.segmentsMs).map((l) => l.level)))].sort((a, b) => a - b);
  if (!levels.length) return null;
  const rows: Cell[][] = [];
  for (const v of r.variants) {
    const measured = v.levels.filter((l) => l.segmentsMs);
    if (!measured.length) continue;
    for (const s of SEGMENTS) {
      const nature = variantOf(v.name).segments[s];
      if (nature.nature === 'none' && measured.every((l) => l.segmentsMs![s].p99 === 0)) continue;
      rows.push([
        text(variantLabel(v.name)),
        text(s),
        text(nature.nature),
        text(nature.why),
        ...levels.map((lv) => {
          const seg = v.levels.find((l) => l.level === lv)?.segmentsMs?.[s];
          return num(seg ? `${fmtMs(seg.mean)} · ${fmtMs(seg.p50)} / ${fmtMs(seg.p99)}` : '—');
        }),
      ]);
    }
  }
  return {
    id: 'segments',
    title: 'Where the time goes: segments of the critical path',
    caption:
      'Each order\u2019s latency split along its critical path (the step that ended it, the step that caused that one, back to the submit call); the segments add up to the latency. Per load: mean · p50 / p99 ms over the measured orders. inherent: any build of the pattern on these services pays it; implementation: this code\u2019s own; workload: the planned failures.',
    columns: [
      col('variant'),
      col('segment', false, true),
      col('nature'),
      col('what it is'),
      ...levels.map((l) => col(`${fmtLevel(l, r.workload.loop)} ms`, true, true)),
    ],
    rows,
  };
}
