import type { Results } from '../results/schema.ts';
import { fmtLevel, fmtMs, variantLabel } from './format.ts';
import { col, num, text, type Cell, type Table } from './table.ts';
import type { Section } from './model.ts';

/**
 * The "Projected on AWS" section: each variant's latency on AWS and Temporal Cloud as
 * projected from published per-hop figures (bench/projection), in tables of its own
 * beside the measured local numbers. Every heading and column says PROJECTION; the
 * measured columns say LOCAL EMULATOR, so neither can be read for the other.
 */

const projected = (r: Results) => r.variants.filter((v) => v.awsProjection);

export function awsProjectionTable(r: Results): Table | null {
  const vs = projected(r);
  if (!vs.length) return null;
  const rows: Cell[][] = vs.map((v) => {
    const p = v.awsProjection!;
    const local = v.levels.find((l) => l.level === p.level);
    return [
      text(variantLabel(v.name)),
      text(fmtLevel(p.level, p.loop)),
      num(`${fmtMs(p.p50Ms)} [${fmtMs(p.ci95.p50[0])}–${fmtMs(p.ci95.p50[1])}]`),
      num(`${fmtMs(p.p99Ms)} [${fmtMs(p.ci95.p99[0])}–${fmtMs(p.ci95.p99[1])}]`),
      num(fmtMs(p.carriedOver.meanMs)),
      num(local ? fmtMs(local.latencyMs.p50) : '—'),
      num(local ? fmtMs(local.latencyMs.p99) : '—'),
    ];
  });
  return {
    id: 'aws-projection',
    title: 'PROJECTION: latency on AWS and Temporal Cloud (ms), beside the LOCAL EMULATOR measurement',
    caption:
      'PROJECTION columns are simulated, not measured: the orders of the level named, their critical paths as hops, each hop drawn from the published figures below, the rest carried over from the local run. ' +
      "Brackets: the simulation's own 95 % error, not the inputs' uncertainty. LOCAL EMULATOR columns are this run's measurement at the same level, repeated from Latency for reading beside it.",
    columns: [
      col('variant'),
      col('projected from'),
      col('PROJECTION p50', true),
      col('PROJECTION p99', true),
      col('of it carried over (local, mean)', true),
      col('LOCAL EMULATOR p50', true),
      col('LOCAL EMULATOR p99', true),
    ],
    rows,
  };
}

export function awsProjectionHopsTable(r: Results): Table | null {
  const vs = projected(r);
  if (!vs.length) return null;
  const rows: Cell[][] = [];
  for (const v of vs) {
    const p = v.awsProjection!;
    for (const h of p.hops)
      rows.push([
        text(variantLabel(v.name)),
        text(h.kind),
        num(String(h.perOrderMean)),
        text(h.drawnAs.join(' + ')),
        text(h.published ? 'yes' : 'NO: composed', h.published ? {} : { tone: 'bad' }),
        text(h.note),
      ]);
    rows.push([
      text(variantLabel(v.name)),
      text('carried over (LOCAL EMULATOR)'),
      num('—'),
      text(p.carriedOver.segments.join(', ')),
      text('measured here'),
      text(`mean ${fmtMs(p.carriedOver.meanMs)} ms per order; ${p.path}`),
    ]);
  }
  return {
    id: 'aws-projection-hops',
    title: 'PROJECTION inputs: hops per order and what each is drawn as',
    caption:
      'Per order on the critical path; a hop with no published figure of its own is composed from the nearest published ones, as its note says (never left out, never zero).',
    columns: [col('variant'), col('hop', false, true), col('per order (mean)', true), col('drawn as'), col('published?'), col('note')],
    rows,
  };
}

export function awsProjectionSourcesTable(r: Results): Table | null {
  const vs = projected(r);
  if (!vs.length) return null;
  const seen = new Map<string, NonNullable<(typeof vs)[number]['awsProjection']>['sources'][number]>();
  for (const v of vs) for (const s of v.awsProjection!.sources) seen.set(s.id, s);
  const version = vs[0]!.awsProjection!.hopTableVersion;
  return {
    id: 'aws-projection-sources',
    title: `PROJECTION sources: published per-hop latencies (table ${version})`,
    caption:
      'Each hop is drawn from a lognormal through the published p50 and p99; the other published percentiles are shown to judge the fit. Each links to the page it was read on, on the date given.',
    columns: [
      col('id', false, true),
      col('what'),
      col('p50 ms', true),
      col('p99 ms', true),
      col('also published'),
      col('measured'),
      col('source'),
      col('read on', false, true),
    ],
    rows: [...seen.values()].map((s) => [
      text(s.id),
      text(s.what),
      // As published, to the digit (99.1, not 99).
      num(String(s.p50Ms)),
      num(String(s.p99Ms)),
      text(
        Object.entries(s.alsoPublished ?? {})
          .map(([k, ms]) => `${k} ${ms}`)
          .join(', '),
      ),
      text(s.measured),
      text(`${s.publisher}: ${s.source}`, { href: s.source }),
      text(s.asOf),
    ]),
  };
}

export function awsProjectionSection(r: Results): Section | null {
  const tables = [awsProjectionTable(r), awsProjectionHopsTable(r), awsProjectionSourcesTable(r)].filter((t): t is Table => t !== null);
  if (!tables.length) return null;
  const notes = projected(r)[0]!.awsProjection!.notes;
  const left = r.variants.flatMap((v) =>
    v.notProjectedOnAws ? [`Not projected: ${variantLabel(v.name)}, because ${v.notProjectedOnAws}.`] : [],
  );
  return { id: 'aws-projection', title: 'Projected on AWS', intro: [...notes, ...left], charts: [], tables };
}
