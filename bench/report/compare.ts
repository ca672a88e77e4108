import type { TopLevelSpec } from 'vega-lite';
import type { LevelResult, Results } from '../results/schema.ts';
import type { Chart } from './charts/common.ts';
import { levelOf, measured } from './derive.ts';
import { escapeHtml, escapeMarkdown } from './escape.ts';
import { fmtEmulators, fmtLevel, fmtMs, fmtPctChange, fmtRate, fmtSigned, fmtUsd, listing, variantLabel } from './format.ts';
import { chartHtml, pageHtml, tableHtml } from './html.ts';
import { tableMd } from './markdown.ts';
import { col, num, text, type Cell, type Table } from './table.ts';

/**
 * Two runs side by side (before/after a change, local vs AWS): per variant and level,
 * p50, p99, throughput and cost per 1M orders in A and B with the absolute and relative
 * change, and a note wherever the two runs are not like for like.
 */

export interface Metric {
  id: string;
  title: string;
  /** Lower is better (latency, cost) or higher (throughput). */
  better: 'lower' | 'higher';
  value: (l: LevelResult) => number | null;
  fmt: (v: number) => string;
}

export const METRICS: Metric[] = [
  { id: 'p50', title: 'p50 latency (ms)', better: 'lower', value: (l) => (measured(l) ? l.latencyMs.p50 : null), fmt: fmtMs },
  { id: 'p99', title: 'p99 latency (ms)', better: 'lower', value: (l) => (measured(l) ? l.latencyMs.p99 : null), fmt: fmtMs },
  {
    id: 'throughput',
    title: 'Throughput (orders/s)',
    better: 'higher',
    value: (l) => (measured(l) ? l.throughputPerSec : null),
    fmt: fmtRate,
  },
  { id: 'cost', title: 'Cost per 1M orders (USD)', better: 'lower', value: (l) => l.cost.perMillionOrdersUsd, fmt: fmtUsd },
];

export interface Delta {
  variant: string;
  level: number;
  a: number | null;
  b: number | null;
  /** b − a, when both exist. */
  abs: number | null;
  /** (b − a) / a × 100, when both exist and a ≠ 0. */
  pct: number | null;
}

/** Variants and levels of either run, A's order first. */
function pairs(a: Results, b: Results): Array<{ variant: string; level: number }> {
  const variants = [...new Set([...a.variants.map((v) => v.name), ...b.variants.map((v) => v.name)])];
  return variants.flatMap((name) => {
    const levels = [...new Set([a, b].flatMap((r) => r.variants.find((v) => v.name === name)?.levels.map((l) => l.level) ?? []))].sort(
      (x, y) => x - y,
    );
    return levels.map((level) => ({ variant: name, level }));
  });
}

export function deltas(a: Results, b: Results, m: Metric): Delta[] {
  const at = (r: Results, variant: string, level: number) => {
    const v = r.variants.find((x) => x.name === variant);
    const l = v && levelOf(v, level);
    return l ? m.value(l) : null;
  };
  return pairs(a, b).map(({ variant, level }) => {
    const va = at(a, variant, level);
    const vb = at(b, variant, level);
    const both = va !== null && vb !== null;
    return { variant, level, a: va, b: vb, abs: both ? vb - va : null, pct: both && va !== 0 ? ((vb - va) / Math.abs(va)) * 100 : null };
  });
}

/** Where A and B are not like for like: workload, target, substrate, prices. */
export function differences(a: Results, b: Results): string[] {
  const notes: string[] = [];
  const wa = a.workload;
  const wb = b.workload;
  const work: string[] = [];
  const diff = (label: string, x: unknown, y: unknown, show: (v: never) => string = String) => {
    if (JSON.stringify(x) !== JSON.stringify(y)) work.push(`${label} ${show(x as never)} vs ${show(y as never)}`);
  };
  diff('seed', wa.seed, wb.seed);
  diff('orders per level', wa.orders, wb.orders);
  diff('warmup', wa.warmup, wb.warmup);
  diff('loop', wa.loop, wb.loop);
  diff('levels', wa.levels, wb.levels, (v: number[]) => v.join(', '));
  diff(
    'failure mix',
    wa.failures,
    wb.failures,
    (v: Record<string, number>) =>
      Object.entries(v)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none',
  );
  diff('payload bytes', wa.payloadBytes, wb.payloadBytes);
  diff('deadline s', wa.deadlineSeconds, wb.deadlineSeconds);
  if (work.length)
    notes.push(`The runs differ in workload: ${work.join('; ')}. Figures at a level only one run has are shown against a dash.`);
  const ea = a.environment;
  const eb = b.environment;
  if (ea.target !== eb.target || ea.emulatorNumbers !== eb.emulatorNumbers)
    notes.push(
      `The runs differ in target: A ran on ${ea.target}${ea.emulatorNumbers ? ' (emulator numbers)' : ''}, B on ${eb.target}${eb.emulatorNumbers ? ' (emulator numbers)' : ''}: latencies compare the substrates as much as the code.`,
    );
  else if (JSON.stringify(ea.emulators) !== JSON.stringify(eb.emulators))
    notes.push(
      `The emulators differ: A ${ea.emulators ? fmtEmulators(ea.emulators) : 'none'}, B ${eb.emulators ? fmtEmulators(eb.emulators) : 'none'}.`,
    );
  if (ea.machine.cpus !== eb.machine.cpus || ea.machine.cpuModel !== eb.machine.cpuModel)
    notes.push(
      `The machines differ: A ${ea.machine.cpus} CPUs (${ea.machine.cpuModel}), B ${eb.machine.cpus} CPUs (${eb.machine.cpuModel}).`,
    );
  if (a.prices.version !== b.prices.version || a.prices.region !== b.prices.region)
    notes.push(
      `The price tables differ: A ${a.prices.version} (${a.prices.region}), B ${b.prices.version} (${b.prices.region}); a cost change may be a price change.`,
    );
  if (a.partial || b.partial)
    notes.push(
      `${[a.partial ? 'A' : '', b.partial ? 'B' : ''].filter(Boolean).join(' and ')} ${a.partial && b.partial ? 'are' : 'is'} PARTIAL: missing levels are missing, not zero.`,
    );
  if (!notes.length)
    notes.push(
      `Like for like: the same workload (seed ${wa.seed}, ${wa.orders} orders per level, ${wa.loop} loop at ${wa.levels.join(', ')}) on the same target (${ea.target}).`,
    );
  return notes;
}

function deltaTable(a: Results, b: Results, m: Metric): Table {
  const loop = a.workload.loop === b.workload.loop ? a.workload.loop : 'closed';
  const rows: Cell[][] = deltas(a, b, m).map((d) => {
    const improved = d.abs === null || d.abs === 0 ? null : d.abs < 0 === (m.better === 'lower');
    const tone = improved === null ? {} : { tone: improved ? ('ok' as const) : ('bad' as const) };
    return [
      text(variantLabel(d.variant)),
      text(fmtLevel(d.level, loop)),
      num(d.a === null ? '—' : m.fmt(d.a)),
      num(d.b === null ? '—' : m.fmt(d.b)),
      num(d.abs === null ? '—' : fmtSigned(d.abs, m.fmt), tone),
      num(d.a === null || d.b === null ? '—' : fmtPctChange(d.a, d.b), tone),
    ];
  });
  return {
    id: `compare-${m.id}`,
    title: m.title,
    caption: `Δ = B − A; green where B is better (${m.better} is better), red where it is worse.`,
    columns: [col('variant'), col('load'), col('A', true), col('B', true), col('Δ', true), col('Δ %', true)],
    rows,
  };
}

/** The largest relative change of a metric, each way, as sentences. */
function headline(a: Results, b: Results, m: Metric): string | null {
  const ds = deltas(a, b, m).filter((d) => d.pct !== null && d.pct !== 0);
  if (!ds.length) return null;
  const loop = a.workload.loop;
  const better = ds.filter((d) => d.pct! < 0 === (m.better === 'lower')).sort((x, y) => Math.abs(y.pct!) - Math.abs(x.pct!))[0];
  const worse = ds.filter((d) => d.pct! < 0 !== (m.better === 'lower')).sort((x, y) => Math.abs(y.pct!) - Math.abs(x.pct!))[0];
  const say = (d: Delta) =>
    `${variantLabel(d.variant)} at ${fmtLevel(d.level, loop)} (${m.fmt(d.a!)} → ${m.fmt(d.b!)}, ${fmtPctChange(d.a!, d.b!)})`;
  const parts = [better ? `most improved: ${say(better)}` : null, worse ? `most regressed: ${say(worse)}` : null].filter(Boolean);
  return `${m.title}: ${parts.join('; ')}.`;
}

function compareChart(a: Results, b: Results, m: Metric, labels: { a: string; b: string }): Chart | null {
  const values = deltas(a, b, m).flatMap((d) => [
    ...(d.a !== null
      ? [{ variant: variantLabel(d.variant), load: fmtLevel(d.level, a.workload.loop), run: `A: ${labels.a}`, value: d.a }]
      : []),
    ...(d.b !== null
      ? [{ variant: variantLabel(d.variant), load: fmtLevel(d.level, a.workload.loop), run: `B: ${labels.b}`, value: d.b }]
      : []),
  ]);
  if (!values.length) return null;
  const spec: TopLevelSpec = {
    data: { values },
    facet: {
      column: {
        field: 'variant',
        type: 'nominal',
        title: null,
        sort: [...new Set(values.map((v) => v.variant))],
        header: { labelFontWeight: 'bold', labelFontSize: 12 },
      },
    },
    spec: {
      width: 200,
      height: 180,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'load', type: 'nominal', title: null, sort: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'run', type: 'nominal' },
        y: { field: 'value', type: 'quantitative', title: m.title },
        color: {
          field: 'run',
          type: 'nominal',
          scale: { range: ['#9ecae9', '#2f5fa7'] },
          title: null,
          legend: { orient: 'bottom', labelLimit: 600 },
        },
      },
    },
  };
  return {
    id: `compare-${m.id}`,
    title: m.title,
    caption: `${m.title} in A (light) and B (dark), per variant and load level.`,
    latency: m.id !== 'cost',
    spec,
  };
}

/**
 * When one run is local (and so carries AWS projections) and the other ran on AWS: each
 * projected variant's PROJECTION beside what AWS measured at the same level (or, missing
 * that, the AWS run's lowest level, named). The test of the projection, labelled both ways.
 */
export function projectionVsAwsTable(a: Results, b: Results, labels: { a: string; b: string }): Table | null {
  const [local, aws, localTag, awsTag] =
    a.environment.target === 'local' && b.environment.target === 'aws'
      ? [a, b, 'A', 'B']
      : b.environment.target === 'local' && a.environment.target === 'aws'
        ? [b, a, 'B', 'A']
        : [null, null, '', ''];
  if (!local || !aws) return null;
  const rows: Cell[][] = [];
  for (const v of local.variants) {
    const p = v.awsProjection;
    const onAws = aws.variants.find((x) => x.name === v.name);
    if (!p || !onAws) continue;
    const measuredLevels = onAws.levels.filter(measured);
    const l = measuredLevels.find((x) => x.level === p.level) ?? [...measuredLevels].sort((x, y) => x.level - y.level)[0];
    const err = (proj: number, m: number | undefined) => (m === undefined || m === 0 ? '—' : fmtPctChange(m, proj));
    rows.push([
      text(variantLabel(v.name)),
      text(fmtLevel(p.level, p.loop)),
      num(fmtMs(p.p50Ms)),
      num(fmtMs(p.p99Ms)),
      text(l ? fmtLevel(l.level, aws.workload.loop) : '—'),
      num(l ? fmtMs(l.latencyMs.p50) : '—'),
      num(l ? fmtMs(l.latencyMs.p99) : '—'),
      num(err(p.p50Ms, l?.latencyMs.p50)),
      num(err(p.p99Ms, l?.latencyMs.p99)),
    ]);
  }
  if (!rows.length) return null;
  return {
    id: 'compare-projection',
    title: `PROJECTION (${localTag}: ${labels[localTag === 'A' ? 'a' : 'b']}, local run) against MEASURED on AWS (${awsTag}: ${labels[awsTag === 'A' ? 'a' : 'b']}), latency ms`,
    caption:
      'The PROJECTION columns are simulated from published per-hop figures along the local run\'s critical paths; the AWS columns are measured. "PROJECTION off by" is (projection − measurement) ÷ measurement: how far the projection missed.',
    columns: [
      col('variant'),
      col('projected from'),
      col('PROJECTION p50', true),
      col('PROJECTION p99', true),
      col('AWS load'),
      col('AWS measured p50', true),
      col('AWS measured p99', true),
      col('PROJECTION off by (p50)', true),
      col('PROJECTION off by (p99)', true),
    ],
    rows,
  };
}

export interface CompareModel {
  title: string;
  runs: string[];
  notes: string[];
  headlines: string[];
  tables: Table[];
  charts: Chart[];
}

const describeRun = (tag: string, label: string, r: Results) =>
  `${tag}: ${label}: ${r.environment.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${r.environment.target}${r.environment.emulatorNumbers ? ' (LOCAL EMULATOR numbers)' : ''}${r.environment.git ? `, commit ${r.environment.git.commit.slice(0, 7)}${r.environment.git.dirty ? '+' : ''}` : ''}, ${listing(r.variants.map((v) => variantLabel(v.name)))}`;

export function compareResults(a: Results, b: Results, labels: { a: string; b: string }): CompareModel {
  return {
    title: 'sagabench comparison: A vs B',
    runs: [describeRun('A', labels.a, a), describeRun('B', labels.b, b)],
    notes: differences(a, b),
    headlines: METRICS.map((m) => headline(a, b, m)).filter((h): h is string => h !== null),
    tables: [...METRICS.map((m) => deltaTable(a, b, m)), ...[projectionVsAwsTable(a, b, labels)].filter((t): t is Table => t !== null)],
    charts: [METRICS[1]!, METRICS[3]!].map((m) => compareChart(a, b, m, labels)).filter((c): c is Chart => c !== null),
  };
}

export async function compareHtml(m: CompareModel, emulatorNumbers: boolean, generatedBy: string): Promise<string> {
  const charts: string[] = [];
  for (const c of m.charts) charts.push(await chartHtml(c, emulatorNumbers));
  const body =
    `<header class="top"><h1>${escapeHtml(m.title)}</h1>\n${m.runs.map((r) => `<p class="meta">${escapeHtml(r)}</p>`).join('\n')}\n` +
    `${m.notes.map((n) => `<div class="banner ${n.startsWith('Like for like') ? 'info' : 'warn'}">${escapeHtml(n)}</div>`).join('\n')}\n` +
    `<ul class="verdicts">${m.headlines.map((h) => `<li><span class="dim">Change</span><span class="text">${escapeHtml(h)}</span></li>`).join('\n')}</ul></header>\n` +
    `<main><section id="compare"><h2>Side by side</h2>\n<div class="charts">${charts.join('\n')}</div>\n${m.tables.map(tableHtml).join('\n')}</section></main>\n<footer>${escapeHtml(generatedBy)}</footer>`;
  return pageHtml(m.title, body);
}

export function compareMarkdown(m: CompareModel, generatedBy: string): string {
  const out = [`# ${escapeMarkdown(m.title)}`, '', ...m.runs.map((r) => `- ${escapeMarkdown(r)}`), ''];
  for (const n of m.notes) out.push(`> ${escapeMarkdown(n)}`, '');
  for (const h of m.headlines) out.push(`- ${escapeMarkdown(h)}`);
  out.push('');
  for (const t of m.tables) out.push(tableMd(t), '');
  out.push('---', '', `_${escapeMarkdown(generatedBy)}_`, '');
  return out.join('\n');
}
