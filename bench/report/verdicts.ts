import type { Results, VariantResult } from '../results/schema.ts';
import { levelOf, levelsOf, measured, costSeries } from './derive.ts';
import { bandVerdicts } from './facts.ts';
import { overlap } from '../bootstrap.ts';
import { fmtLevel, fmtMs, fmtRate, fmtRatio, fmtUsd, fmtVolume, listing, variantLabel } from './format.ts';

/**
 * One short sentence per dimension, computed from the results (never written by hand):
 * who was best, by how much, and where that changes. Pure; the header of both the
 * HTML page and the Markdown summary.
 */
export type Dimension = 'latency' | 'throughput' | 'floor' | 'cost' | 'coupling' | 'change' | 'correctness' | 'faults';

export interface Verdict {
  dimension: Dimension;
  text: string;
}

interface Scored {
  name: string;
  value: number;
}

/** The best entries (ties included) and the rest, by value; lower is better unless `higher`. */
export function rank(entries: Scored[], higher = false): { best: Scored[]; rest: Scored[] } {
  const sorted = [...entries].sort((a, b) => (higher ? b.value - a.value : a.value - b.value) || a.name.localeCompare(b.name));
  const top = sorted[0];
  if (!top) return { best: [], rest: [] };
  const best = sorted.filter((e) => e.value === top.value);
  return { best, rest: sorted.slice(best.length) };
}

const names = (xs: Scored[]) => listing(xs.map((x) => variantLabel(x.name)));
const others = (rest: Scored[], fmt: (v: number) => string) => rest.map((x) => `${variantLabel(x.name)} ${fmt(x.value)}`).join(', ');
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

interface WithInterval extends Scored {
  ci?: [number, number] | null;
}

/** Whether the best entry's interval is clear of the next one's; true when either has none (nothing to judge by). */
const clearOf = (best: WithInterval, next: WithInterval | undefined): boolean =>
  !next || !best.ci || !next.ci || !overlap(best.ci, next.ci);

const withCi = (x: WithInterval, fmt: (v: number) => string) => `${fmt(x.value)}${x.ci ? ` [${fmt(x.ci[0])}–${fmt(x.ci[1])}]` : ''}`;

/**
 * Who had the lowest p99 at each level, levels with the same winner grouped:
 * "Temporal had the lowest p99 at 4 clients (433 ms; next Choreography 599 ms) and
 * 8 clients (...); Choreography at 1 client (...)". Ties name every tied variant.
 * Where the results carry 95 % intervals and the best one's overlaps the next
 * one's, no winner is named: "no clear difference".
 */
/** Variants whose local timings are the engines' own: a simulated orchestration's are never ranked on time. */
const timed = (r: Results) => r.variants.filter((v) => v.latencyKind !== 'simulated');
const simulatedNote = (r: Results): string => {
  const left = r.variants.filter((v) => v.latencyKind === 'simulated').map((v) => variantLabel(v.name));
  return left.length
    ? ` ${listing(left)} left out: ${left.length > 1 ? 'their' : 'its'} local orchestration is SIMULATED under a local test runner.`
    : '';
};

function latencyVerdict(r: Results): Verdict | null {
  const groups: Array<{ who: string; tied: boolean; clauses: string[] }> = [];
  for (const level of levelsOf(r)) {
    const entries: WithInterval[] = timed(r).flatMap((v) => {
      const l = levelOf(v, level);
      return measured(l) ? [{ name: v.name, value: l.latencyMs.p99, ci: l.ci?.p99 ?? null }] : [];
    });
    if (entries.length < 2) continue;
    const { best, rest } = rank(entries);
    const next = rest[0] as WithInterval | undefined;
    const top = best[0] as WithInterval;
    const clear = best.length === 1 && clearOf(top, next);
    const ms = (v: number) => `${fmtMs(v)} ms`;
    const unclear = best.length === 1 && !clear;
    const clause = unclear
      ? `${fmtLevel(level, r.workload.loop)} (${[top, next!].map((x) => `${variantLabel(x.name)} ${withCi(x, ms)}`).join(' vs ')})`
      : `${fmtLevel(level, r.workload.loop)} (${withCi(top, ms)}${next ? `; next ${variantLabel(next.name)} ${withCi(next, ms)}` : ''})`;
    const who = unclear ? 'no clear difference' : best.length > 1 ? `${names(best)}:tied` : names(best);
    const g = groups.find((x) => x.who === who);
    if (g) g.clauses.push(clause);
    else groups.push({ who, tied: best.length > 1, clauses: [clause] });
  }
  if (!groups.length) return null;
  const text = groups
    .map((g) =>
      g.who === 'no clear difference'
        ? `no clear difference in p99 at ${listing(g.clauses)}: the 95 % intervals overlap`
        : g.tied
          ? `${g.who.replace(/:tied$/, '')} tied for the lowest p99 at ${listing(g.clauses)}`
          : `${g.who} had the lowest p99 at ${listing(g.clauses)}`,
    )
    .join('; ');
  return { dimension: 'latency', text: `${capital(text)}.${simulatedNote(r)}` };
}

/** Highest throughput at the highest level every compared variant reached; "no clear difference" where the intervals overlap. */
function throughputVerdict(r: Results): Verdict | null {
  for (const level of [...levelsOf(r)].reverse()) {
    const entries: WithInterval[] = timed(r).flatMap((v) => {
      const l = levelOf(v, level);
      return measured(l) ? [{ name: v.name, value: l.throughputPerSec, ci: l.ci?.throughput ?? null }] : [];
    });
    if (entries.length < 2) continue;
    const { best, rest } = rank(entries, true);
    const top = best[0] as WithInterval;
    const next = rest[0] as WithInterval | undefined;
    if (best.length === 1 && !clearOf(top, next))
      return {
        dimension: 'throughput',
        text: `No clear difference in throughput at ${fmtLevel(level, r.workload.loop)}: ${entries.map((e) => `${variantLabel(e.name)} ${withCi(e, fmtRate)}`).join(', ')} orders/s; the 95 % intervals overlap.`,
      };
    const verb = best.length > 1 ? 'tied for the highest throughput' : 'had the highest throughput';
    return {
      dimension: 'throughput',
      text: `${names(best)} ${verb} at ${fmtLevel(level, r.workload.loop)}: ${withCi(top, fmtRate)} orders/s${rest.length ? ` (${rest.map((x) => `${variantLabel(x.name)} ${withCi(x as WithInterval, fmtRate)}`).join(', ')})` : ''}.${simulatedNote(r)}`,
    };
  }
  return null;
}

/** Closest to its own substrate floor (p50 ÷ floor p50) at the highest level with floors. */
function floorVerdict(r: Results): Verdict | null {
  for (const level of [...levelsOf(r)].reverse()) {
    const entries = timed(r).flatMap((v) => {
      const ratio = levelOf(v, level)?.floor?.ratio;
      return ratio != null ? [{ name: v.name, value: ratio }] : [];
    });
    if (entries.length < 2) continue;
    const { best, rest } = rank(entries);
    const worst = rest[rest.length - 1];
    return {
      dimension: 'floor',
      text:
        `At ${fmtLevel(level, r.workload.loop)} ${names(best)} ${best.length > 1 ? 'were' : 'was'} closest to ${best.length > 1 ? 'their' : 'its'} substrate floor ` +
        `(p50 ${fmtRatio(best[0]!.value)}× the floor)${worst ? `; ${variantLabel(worst.name)} furthest (${fmtRatio(worst.value)}×)` : ''}.`,
    };
  }
  return null;
}

/** Cheapest per 1M orders, and where the cheapest changes with monthly volume. */
function costVerdict(r: Results): Verdict | null {
  // The variants as they ran; what-if pricings (Step Functions EXPRESS) are named apart.
  const entries = r.variants.flatMap((v) => (v.cost ? [{ name: v.name as string, value: v.cost.perMillionOrdersUsd }] : []));
  const whatIfs = costSeries(r).filter((s) => !r.variants.some((v) => v.name === s.series));
  if (!entries.length) return null;
  const { best, rest } = rank(entries);
  const parts: string[] = [];
  parts.push(
    `${names(best)} ${best.length > 1 ? 'tied as the cheapest' : 'was the cheapest'} per 1M orders (${fmtUsd(best[0]!.value)}${rest.length ? `; ${others(rest, fmtUsd)}` : ''}` +
      `${whatIfs.length ? `; what-if: ${whatIfs.map((w) => `${variantLabel(w.series)} ${fmtUsd(w.cost.perMillionOrdersUsd)}`).join(', ')}` : ''})`,
  );
  if (r.projection) {
    const fixed = Object.entries(r.projection.fixedMonthlyUsd).filter(([, usd]) => usd > 0);
    const fixedNote = fixed.length
      ? ` (at zero orders: ${listing(fixed.map(([s, usd]) => `${variantLabel(s)} ${fmtUsd(usd)}/month`))})`
      : '';
    parts.push(`by monthly bill${fixedNote}, ${bandVerdicts(r).join(', ')}`);
  }
  return { dimension: 'cost', text: `${capital(parts.join('; '))}.` };
}

const hasStatic = (v: VariantResult) => !!v.coupling?.static;

/** Fewest component-to-component dependencies, and fewest messages per order. */
function couplingVerdict(r: Results): Verdict | null {
  const withStatic = r.variants.filter(hasStatic);
  if (withStatic.length < 2) return null;
  const edges = rank(withStatic.map((v) => ({ name: v.name, value: v.coupling!.static.edges.length })));
  const parts = [
    `${names(edges.best)} had the fewest dependencies between components (${edges.best[0]!.value} edges${edges.rest.length ? `; ${others(edges.rest, String)}` : ''})`,
  ];
  const dyn = r.variants.flatMap((v) => (v.coupling?.dynamic ? [{ name: v.name, value: v.coupling.dynamic.messagesPerOrder }] : []));
  if (dyn.length >= 2) {
    const m = rank(dyn);
    parts.push(
      `${names(m.best)} sent the fewest messages per order (${fmtRatio(m.best[0]!.value)}${m.rest.length ? `; ${others(m.rest, fmtRatio)}` : ''})`,
    );
  }
  return { dimension: 'coupling', text: `${parts.join('; ')}.` };
}

/** The scripted change that touched the fewest lines (added + removed); equal lines are a tie. */
function changeVerdict(r: Results): Verdict | null {
  const entries = r.variants.flatMap((v) => {
    const c = v.coupling?.changeImpact;
    return c ? [{ name: v.name, value: c.linesAdded + c.linesRemoved, files: c.filesChanged, c }] : [];
  });
  if (entries.length < 2) return null;
  const { best, rest } = rank(entries);
  const by = new Map<string, (typeof entries)[number]['c']>(entries.map((e) => [e.name, e.c]));
  const describe = (x: Scored) => {
    const c = by.get(x.name)!;
    return `${variantLabel(x.name)} ${c.filesChanged} files +${c.linesAdded} −${c.linesRemoved}`;
  };
  const compileNote = entries.filter((e) => !e.c.compiles).map((e) => variantLabel(e.name));
  return {
    dimension: 'change',
    text:
      `The scripted change (add a fraud check) was smallest in ${names(best)} (${[...best, ...rest].map(describe).join('; ')})` +
      `${compileNote.length ? `; it did not compile in ${listing(compileNote)}` : ''}.`,
  };
}

/** Every invariant held, or which broke where; lost orders. */
function correctnessVerdict(r: Results): Verdict {
  const broken = r.variants.flatMap((v) => v.invariants.filter((i) => !i.ok).map((i) => `${variantLabel(v.name)}: ${i.name}`));
  const checks = r.variants.reduce((s, v) => s + v.invariants.length, 0);
  const lost = r.variants.reduce((s, v) => s + v.outcomes.lost, 0);
  if (broken.length)
    return {
      dimension: 'correctness',
      text: `${broken.length} of ${checks} invariant checks broke (${broken.slice(0, 3).join('; ')}${broken.length > 3 ? '; ...' : ''}); ${lost} orders lost.`,
    };
  return {
    dimension: 'correctness',
    text: `All ${checks} invariant checks held in ${r.variants.length === 1 ? 'the one variant' : `all ${r.variants.length} variants`}; ${lost === 0 ? 'no order was lost' : `${lost} orders were lost`}.`,
  };
}

/** Per fault that caught orders anywhere: which variant was done with them soonest, and whether any guarantee gave. */
function faultsVerdict(r: Results): Verdict | null {
  const runs = r.variants.flatMap((v) => (v.faults ?? []).map((f) => ({ v: v.name, f })));
  if (!runs.length) return null;
  const parts: string[] = [];
  for (const fault of [...new Set(runs.map((x) => x.f.fault))]) {
    const of = runs.filter((x) => x.f.fault === fault && x.f.fired);
    if (of.length < 2 || of.every((x) => x.f.ordersAffected === 0)) continue;
    // Fewest orders caught first; among those, the shortest recovery.
    const key = (x: (typeof of)[number]) => [x.f.ordersAffected, x.f.recoveryMs] as const;
    const [bestN, bestMs] = of.map(key).sort((a, b) => a[0] - b[0] || a[1] - b[1])[0]!;
    const winners = of.filter((x) => x.f.ordersAffected === bestN && x.f.recoveryMs === bestMs).map((x) => variantLabel(x.v));
    parts.push(
      `${fault}: ${listing(winners)} least hit (${bestN} orders affected${bestN ? `, all done ${fmtMs(bestMs)} ms after the fault` : ''})`,
    );
  }
  const broken = runs.filter((x) => x.f.invariants.some((i) => !i.ok)).map((x) => `${variantLabel(x.v)} under ${x.f.fault}`);
  const lost = runs.reduce((s, x) => s + x.f.outcomes.lost, 0);
  const head = broken.length
    ? `Guarantees broke for ${listing(broken)}`
    : `Every guarantee held under every injected fault (${runs.length} fault runs, ${lost === 0 ? 'no order lost' : `${lost} orders lost`})`;
  return { dimension: 'faults', text: `${head}${parts.length ? `; ${parts.join('; ')}` : ''}.` };
}

export function verdicts(r: Results): Verdict[] {
  return [
    latencyVerdict(r),
    throughputVerdict(r),
    floorVerdict(r),
    costVerdict(r),
    couplingVerdict(r),
    changeVerdict(r),
    correctnessVerdict(r),
    faultsVerdict(r),
  ].filter((v): v is Verdict => v !== null);
}

export const DIMENSION_LABELS: Record<Dimension, string> = {
  latency: 'Latency',
  throughput: 'Throughput',
  floor: 'Overhead',
  cost: 'Cost',
  coupling: 'Coupling',
  change: 'Change',
  correctness: 'Correctness',
  faults: 'Faults',
};
