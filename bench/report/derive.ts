import type { LevelResult, Results, VariantResult } from '../results/schema.ts';

/**
 * Figures the report derives from a results file (pure): what facts.ts tabulates,
 * verdicts.ts judges and the charts draw, computed in one place.
 */

type Trace = VariantResult['traces'][number];
type Cost = NonNullable<VariantResult['cost']>;

/** Every level any variant ran, ascending. */
export function levelsOf(r: Results): number[] {
  return [...new Set(r.variants.flatMap((v) => v.levels.map((l) => l.level)))].sort((a, b) => a - b);
}

export function levelOf(v: VariantResult, level: number): LevelResult | undefined {
  return v.levels.find((l) => l.level === level);
}

/** A level with measured orders (a level cut short by Ctrl-C may have none). */
export const measured = (l: LevelResult | undefined): l is LevelResult => !!l && l.latencyMs.count > 0;

// ---- the per-order timeline ----

export interface TimelineBar {
  /** Row order, from 0: steps in the order they started, then the terminal row. */
  index: number;
  /** Row label, unique within the order ("3. payments:charge"). */
  row: string;
  kind: 'step' | 'hop';
  step: string;
  service: string;
  startMs: number;
  endMs: number;
  attempt: number;
}

export interface Timeline {
  orderId: string;
  status: string;
  latencyMs: number | null;
  bars: TimelineBar[];
  steps: number;
  /** Sum of step durations (steps that overlap count twice). */
  stepMs: number;
  /** Sum of the hops into each step and on to the terminal state. */
  hopMs: number;
}

/**
 * The sample order the timeline shows for a variant: the first one that completed
 * (the happy path every variant shares), else the first sampled.
 */
export function sampleTrace(v: VariantResult): Trace | undefined {
  return v.traces.find((t) => t.status === 'COMPLETED' && t.steps.length > 0) ?? v.traces.find((t) => t.steps.length > 0);
}

/**
 * Steps as bars, and before each step the hop that brought the work to it: from the
 * end of the latest earlier step that had already finished when this one started (its
 * likely cause; for an orchestrator simply the previous step, for the choreography the
 * event it reacts to) or from the order's start for the first step. A last hop runs
 * from the last step's end to the terminal state the harness observed.
 */
export function timelineOf(t: Trace): Timeline {
  const steps = [...t.steps].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const bars: TimelineBar[] = [];
  let stepMs = 0;
  let hopMs = 0;
  steps.forEach((s, i) => {
    const attempt = s.attempt ?? 1;
    const row = `${i + 1}. ${s.step}${attempt > 1 ? ` (attempt ${attempt})` : ''}`;
    const causeEnd = Math.max(
      0,
      ...steps
        .slice(0, i)
        .map((p) => p.endMs)
        .filter((e) => e <= s.startMs),
    );
    if (s.startMs > causeEnd) {
      bars.push({ index: i, row, kind: 'hop', step: s.step, service: s.service, startMs: causeEnd, endMs: s.startMs, attempt });
      hopMs += s.startMs - causeEnd;
    }
    bars.push({
      index: i,
      row,
      kind: 'step',
      step: s.step,
      service: s.service,
      startMs: s.startMs,
      endMs: Math.max(s.endMs, s.startMs),
      attempt,
    });
    stepMs += Math.max(0, s.endMs - s.startMs);
  });
  const lastEnd = Math.max(0, ...steps.map((s) => s.endMs));
  if (t.latencyMs !== undefined && t.latencyMs > lastEnd) {
    bars.push({
      index: steps.length,
      row: `${steps.length + 1}. terminal (${t.status})`,
      kind: 'hop',
      step: 'terminal',
      service: 'engine',
      startMs: lastEnd,
      endMs: t.latencyMs,
      attempt: 1,
    });
    hopMs += t.latencyMs - lastEnd;
  }
  return { orderId: t.orderId, status: t.status, latencyMs: t.latencyMs ?? null, bars, steps: steps.length, stepMs, hopMs };
}

// ---- cost ----

/** A cost split by AWS (or Temporal Cloud) service, largest first. */
export function costByService(c: Cost): Array<{ service: string; usdPerMillionOrders: number }> {
  const by = new Map<string, number>();
  for (const b of c.breakdown) by.set(b.service, (by.get(b.service) ?? 0) + b.usdPerMillionOrders);
  return [...by]
    .map(([service, usdPerMillionOrders]) => ({ service, usdPerMillionOrders }))
    .sort((a, b) => b.usdPerMillionOrders - a.usdPerMillionOrders);
}

/** Each cost series (variants and what-ifs such as stepfunctions-express) with its cost over every level. */
export function costSeries(r: Results): Array<{ series: string; cost: Cost }> {
  return r.variants.flatMap((v) => [
    ...(v.cost ? [{ series: v.name as string, cost: v.cost }] : []),
    ...(v.alternatives ?? []).map((a) => ({ series: a.label, cost: a.cost })),
  ]);
}

type Projection = NonNullable<Results['projection']>;

/** A series' monthly bill at any volume in the projection's range, read off its rows (log–log between them). */
export function seriesAt(p: Projection, series: string, volume: number): number {
  const rows = [...p.rows].sort((a, b) => a.ordersPerMonth - b.ordersPerMonth);
  const i = rows.findIndex((r) => r.ordersPerMonth >= volume);
  if (i <= 0) return rows[Math.max(0, i)]?.usdByVariant[series] ?? 0;
  const [a, b] = [rows[i - 1]!, rows[i]!];
  const [ya, yb] = [a.usdByVariant[series] ?? 0, b.usdByVariant[series] ?? 0];
  if (ya <= 0 || yb <= 0) return ya + ((yb - ya) * (volume - a.ordersPerMonth)) / (b.ordersPerMonth - a.ordersPerMonth);
  const t = Math.log(volume / a.ordersPerMonth) / Math.log(b.ordersPerMonth / a.ordersPerMonth);
  return Math.exp(Math.log(ya) + t * Math.log(yb / ya));
}

/** Where the cheapest series changes: [from, to] volume bands of the projection with the cheapest series there (several on a tie). */
export interface CheapestRange {
  series: string[];
  fromOrders: number;
  toOrders: number;
}

/**
 * The cheapest series band by band over the projection's range (among `only`, when
 * given): read from its monthly bills, with each band's edge at the crossover found
 * between the two bills around it.
 */
export function cheapestRanges(p: Projection, only?: readonly string[]): CheapestRange[] {
  const rows = [...p.rows].sort((a, b) => a.ordersPerMonth - b.ordersPerMonth);
  if (!rows.length) return [];
  const cheapestAt = (row: (typeof rows)[number]) => {
    const entries = Object.entries(row.usdByVariant).filter(([s]) => !only || only.includes(s));
    const min = Math.min(...entries.map(([, usd]) => usd));
    // Relative tolerance: two bills within a billionth of each other are one price.
    return entries
      .filter(([, usd]) => usd - min <= Math.abs(min) * 1e-9)
      .map(([s]) => s)
      .sort();
  };
  const ranges: CheapestRange[] = [];
  rows.forEach((row, i) => {
    const prev = ranges[ranges.length - 1];
    const tied = cheapestAt(row);
    // Two bills meeting exactly on a sampled volume is the crossover, not a band of its own.
    const series = prev && tied.length > prev.series.length && prev.series.every((x) => tied.includes(x)) ? prev.series : tied;
    if (prev && prev.series.join() === series.join()) {
      prev.toOrders = row.ordersPerMonth;
      return;
    }
    if (prev) {
      const lo = rows[i - 1]!.ordersPerMonth;
      const edge =
        p.crossovers.find((c) => c.ordersPerMonth >= lo && c.ordersPerMonth <= row.ordersPerMonth && series.includes(c.cheaperAbove))
          ?.ordersPerMonth ?? Math.sqrt(lo * row.ordersPerMonth);
      prev.toOrders = edge;
      ranges.push({ series, fromOrders: edge, toOrders: row.ordersPerMonth });
    } else ranges.push({ series, fromOrders: row.ordersPerMonth, toOrders: row.ordersPerMonth });
  });
  return ranges;
}

/** The biggest lines of each series' bill at a volume: what moves it. */
export function topBillLines(p: Projection, ordersPerMonth: number, top = 3) {
  return p.bills
    .filter((b) => b.ordersPerMonth === ordersPerMonth)
    .map((b) => ({ series: b.series, totalUsd: b.totalUsd, lines: b.lines.filter((l) => l.usd > 0).slice(0, top) }));
}

// ---- invariants ----

export interface InvariantGroup {
  /** The check without its " (level N)" suffix. */
  name: string;
  total: number;
  broken: Array<{ name: string; detail: string }>;
}

/** A variant's invariants grouped by check across its levels, in first-seen order. */
export function invariantGroups(v: VariantResult): InvariantGroup[] {
  const groups = new Map<string, InvariantGroup>();
  for (const i of v.invariants) {
    const name = i.name.replace(/\s*\(level [^)]*\)$/, '');
    const g = groups.get(name) ?? { name, total: 0, broken: [] };
    g.total += 1;
    if (!i.ok) g.broken.push({ name: i.name, detail: i.detail });
    groups.set(name, g);
  }
  return [...groups.values()];
}

export function durationMs(r: Results): number {
  return Date.parse(r.environment.endedAt) - Date.parse(r.environment.startedAt);
}
