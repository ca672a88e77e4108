import type { Results, VariantResult } from '../results/schema.ts';
import { costByService, costSeries, durationMs, invariantGroups, sampleTrace, timelineOf, cheapestRanges, topBillLines } from './derive.ts';
import {
  fmtCount,
  fmtEmulators,
  fmtLevel,
  fmtMs,
  fmtPerOrder,
  fmtPrice,
  fmtRate,
  fmtRatio,
  fmtUsd,
  fmtVolume,
  listing,
  variantLabel,
} from './format.ts';
import { col, num, text, type Cell, type Table } from './table.ts';

/**
 * Every table of the report, built once from a results file: the HTML page and the
 * Markdown summary render exactly these cells (see table.ts).
 */

const dash = '—';
const levelCell = (r: Results, level: number) => text(fmtLevel(level, r.workload.loop));
const variantCell = (name: string) => text(variantLabel(name));
/** Its name where a time is shown: a variant whose local orchestration is simulated says so beside every figure. */
const timedCell = (v: Results['variants'][number]) =>
  v.latencyKind === 'simulated' ? text(`${variantLabel(v.name)} (SIMULATED)`) : variantCell(v.name);
/** A figure with its 95 % interval, where the results carry one. */
const withCi = (value: string, ci: [number, number] | null | undefined, fmt: (v: number) => string) =>
  num(ci ? `${value} [${fmt(ci[0])}–${fmt(ci[1])}]` : value);

export function percentilesTable(r: Results): Table {
  const rows: Cell[][] = [];
  for (const v of r.variants)
    for (const l of v.levels) {
      const m = l.latencyMs;
      rows.push([
        timedCell(v),
        levelCell(r, l.level),
        num(fmtCount(m.count)),
        withCi(fmtMs(m.p50), l.ci?.p50, fmtMs),
        num(fmtMs(m.p90)),
        withCi(fmtMs(m.p99), l.ci?.p99, fmtMs),
        num(fmtMs(m.p999)),
        num(fmtMs(m.max)),
        num(fmtMs(m.mean)),
        num(fmtMs(l.acceptMs.p50)),
      ]);
    }
  return {
    id: 'percentiles',
    title: 'Latency percentiles (accepted → terminal, ms)',
    caption: 'Measured orders only (warmup left out). "accept p50" is the submit call alone, before any processing.',
    columns: [
      col('variant'),
      col('load'),
      col('orders', true),
      col('p50', true),
      col('p90', true),
      col('p99', true),
      col('p99.9', true),
      col('max', true),
      col('mean', true),
      col('accept p50', true),
    ],
    rows,
  };
}

export function loadTable(r: Results): Table {
  const rows: Cell[][] = [];
  for (const v of r.variants)
    for (const l of v.levels) {
      const o = l.outcomes;
      rows.push([
        timedCell(v),
        levelCell(r, l.level),
        withCi(fmtRate(l.throughputPerSec), l.ci?.throughput, fmtRate),
        withCi(fmtMs(l.latencyMs.p50), l.ci?.p50, fmtMs),
        withCi(fmtMs(l.latencyMs.p99), l.ci?.p99, fmtMs),
        num(fmtCount(o.completed)),
        num(fmtCount(o.cancelled)),
        num(fmtCount(o.rejected)),
        num(fmtCount(o.lost), o.lost > 0 ? { tone: 'bad' } : {}),
        num(fmtCount(o.errors), o.errors > 0 ? { tone: 'bad' } : {}),
        num(fmtRatio(l.harnessCpuMsPerOrder)),
      ]);
    }
  const repeats = Math.max(1, ...r.variants.flatMap((v) => v.levels.map((l) => l.repeats ?? 1)));
  const anyCi = r.variants.some((v) => v.levels.some((l) => l.ci));
  return {
    id: 'load',
    title: 'Throughput and latency by load level',
    ...(anyCi
      ? {
          caption: `Brackets: 95 % bootstrap intervals over ${repeats > 1 ? `${repeats} interleaved repeats and their orders (throughput: the median repeat's, over repeats)` : 'the orders of one run (throughput needs --repeat 2 or more)'}.`,
        }
      : {}),
    columns: [
      col('variant'),
      col('load'),
      col('orders/s', true),
      col('p50 ms', true),
      col('p99 ms', true),
      col('completed', true),
      col('cancelled', true),
      col('rejected', true),
      col('lost', true),
      col('errors', true),
      col('harness CPU ms/order', true),
    ],
    rows,
  };
}

export function floorTable(r: Results): Table {
  // Results from before the split carry only the plain ratio: their table keeps its old columns.
  const split = r.variants.some((v) => v.levels.some((l) => l.floor?.lessUnshared));
  const rows: Cell[][] = [];
  for (const v of r.variants)
    for (const l of v.levels) {
      const less = l.floor?.lessUnshared;
      rows.push([
        timedCell(v),
        levelCell(r, l.level),
        num(l.floor ? fmtCount(l.floor.hops) : dash),
        num(l.floor ? fmtMs(l.floor.p50Ms) : dash),
        num(fmtMs(l.latencyMs.p50)),
        num(l.floor?.ratio != null ? fmtRatio(l.floor.ratio) : dash),
        ...(split ? [num(less ? fmtMs(less.p50Ms) : dash), num(less?.ratio != null ? fmtRatio(less.ratio) : dash)] : []),
      ]);
    }
  return {
    id: 'floor',
    title: 'Variant ÷ substrate floor',
    caption:
      'The floor is the same number of hops on the same engine with no domain logic; the ratio is the variant p50 over the floor p50.' +
      (split
        ? " The floor's chains write nothing, while every variant's services write their state: the last two columns take each order's DynamoDB calls out (its dynamodb segment, see Where the time goes) before the p50, so what is left over the floor is the coordination's and the implementation's own."
        : ''),
    columns: [
      col('variant'),
      col('load'),
      col('floor hops', true),
      col('floor p50 ms', true),
      col('variant p50 ms', true),
      col('p50 ÷ floor', true),
      ...(split ? [col('p50 less DynamoDB ms', true), col('less DynamoDB ÷ floor', true)] : []),
    ],
    rows,
  };
}

export function timelineTable(r: Results): Table {
  const rows: Cell[][] = [];
  for (const v of r.variants) {
    const t = sampleTrace(v);
    if (!t) continue;
    const tl = timelineOf(t);
    rows.push([
      variantCell(v.name),
      text(tl.orderId),
      text(tl.status),
      num(tl.latencyMs === null ? dash : fmtMs(tl.latencyMs)),
      num(fmtCount(tl.steps)),
      num(fmtMs(tl.stepMs)),
      num(fmtMs(tl.hopMs)),
    ]);
  }
  return {
    id: 'timeline',
    title: 'Sample orders',
    caption:
      "Time in steps is the services' own work; time in hops is everything between (broker or engine delivery, polling, the orchestrator's bookkeeping).",
    columns: [
      col('variant'),
      col('order'),
      col('status'),
      col('latency ms', true),
      col('steps', true),
      col('in steps ms', true),
      col('in hops ms', true),
    ],
    rows,
  };
}

export function costTable(r: Results): Table {
  const series = costSeries(r);
  const services = [...new Set(series.flatMap((s) => costByService(s.cost).map((c) => c.service)))].sort();
  const rows = series.map((s) => {
    const by = new Map(costByService(s.cost).map((c) => [c.service, c.usdPerMillionOrders]));
    return [
      variantCell(s.series),
      num(fmtUsd(s.cost.perMillionOrdersUsd)),
      num(fmtUsd(s.cost.perOrderUsd)),
      ...services.map((svc) => num(by.has(svc) ? fmtUsd(by.get(svc)!) : dash)),
      num(s.cost.fixed.length ? fmtUsd(s.cost.fixed.reduce((a, f) => a + f.usdPerMonth, 0)) : dash),
    ];
  });
  return {
    id: 'cost',
    title: 'Cost per 1M orders by service (USD)',
    caption:
      'Per-order costs at list price (first volume step, no free allowance) over every order each variant ran, measured and warmup: the same at any throughput. ' +
      'Fixed monthly costs (always-on worker, idle trigger polling) are apart, per month; plan fees, allowances and volume steps are in the projection. What-if rows price the same run another way the variant can be deployed.',
    columns: [
      col('variant'),
      col('per 1M orders', true),
      col('per order', true),
      ...services.map((s) => col(s, true)),
      col('fixed per month', true),
    ],
    rows,
  };
}

export function costItemsTable(r: Results): Table {
  const rows: Cell[][] = [];
  for (const s of costSeries(r))
    for (const b of s.cost.breakdown)
      rows.push([
        variantCell(s.series),
        text(b.service),
        text(b.item),
        num(fmtPerOrder(b.count / 1e6)),
        text(b.unit),
        num(fmtPrice(b.unitPriceUsd * 1e6)),
        num(fmtUsd(b.usdPerMillionOrders)),
        text(b.priceId),
      ]);
  return {
    id: 'cost-items',
    title: 'What each cost is made of',
    caption:
      "Counted per order (calls through each variant's metered clients, transitions and actions from execution histories) × the unit price with the given id.",
    columns: [
      col('variant', false, true),
      col('service'),
      col('item'),
      col('per order', true),
      col('unit'),
      col('price per 1M units', true),
      col('per 1M orders', true),
      col('price id', false, true),
    ],
    rows,
  };
}

const DECADES = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

export function projectionTable(r: Results): Table | null {
  const p = r.projection;
  if (!p || !p.rows.length) return null;
  const series = Object.keys(p.rows[0]!.usdByVariant);
  const rows = p.rows
    .filter((row) => DECADES.includes(row.ordersPerMonth))
    .sort((a, b) => a.ordersPerMonth - b.ordersPerMonth)
    .map((row) => {
      const min = Math.min(...series.map((s) => row.usdByVariant[s] ?? Infinity));
      return [
        num(fmtVolume(row.ordersPerMonth)),
        ...series.map((s) => {
          const usd = row.usdByVariant[s];
          return num(usd === undefined ? dash : fmtUsd(usd), usd === min ? { tone: 'ok' } : {});
        }),
      ];
    });
  const fixed = Object.entries(p.fixedMonthlyUsd).filter(([, usd]) => usd > 0);
  return {
    id: 'projection',
    title: 'Projection: USD per month by monthly volume',
    caption:
      `A month's bill from this run's per-order counts: allowances and volume steps applied per price, ` +
      `Temporal Cloud on the ${p.options.temporalPlan} plan (fee: the greater of its minimum or a share of consumption; ${p.options.retentionDays}-day retention), ` +
      `AWS free tier ${p.options.freeTier ? 'counted' : 'not counted (an account shares it)'}. ` +
      `${fixed.length ? `At zero orders: ${listing(fixed.map(([s, usd]) => `${variantLabel(s)} ${fmtUsd(usd)}`))}. ` : ''}` +
      'The cheapest at each volume is marked.',
    columns: [col('orders/month', true), ...series.map((s) => col(variantLabel(s), true))],
    rows,
  };
}

/**
 * A verdict per volume band among the variants as they ran ("below 1,000,000 orders/month
 * Choreography is cheapest"); what-if pricings are shown beside them, never in the verdict.
 */
export function bandVerdicts(r: Results): string[] {
  const p = r.projection;
  if (!p) return [];
  const ranges = cheapestRanges(
    p,
    r.variants.map((v) => v.name),
  );
  const who = (g: { series: string[] }) => `${listing(g.series.map(variantLabel))} ${g.series.length > 1 ? 'tie as' : 'is'} cheapest`;
  if (ranges.length === 1)
    return [`from ${fmtVolume(ranges[0]!.fromOrders)} to ${fmtVolume(ranges[0]!.toOrders)} orders/month ${who(ranges[0]!)}`];
  return ranges.map((g, i) =>
    i === 0
      ? `below ${fmtVolume(g.toOrders)} orders/month ${who(g)}`
      : i === ranges.length - 1
        ? `above ${fmtVolume(g.fromOrders)} ${who(g)}`
        : `from ${fmtVolume(g.fromOrders)} to ${fmtVolume(g.toOrders)} ${who(g)}`,
  );
}

export function cheapestTable(r: Results): Table | null {
  const p = r.projection;
  if (!p) return null;
  const ranges = cheapestRanges(
    p,
    r.variants.map((v) => v.name),
  );
  if (!ranges.length) return null;
  return {
    id: 'cheapest',
    title: 'Cheapest variant by monthly volume',
    caption:
      'Among the variants as they ran (what-if pricings are in the chart and the projection, not here). ' +
      (p.crossovers.length
        ? `Crossovers (where two bills meet): ${p.crossovers.map((c) => `${variantLabel(c.a)} / ${variantLabel(c.b)} at ${fmtVolume(c.ordersPerMonth)} orders/month (${variantLabel(c.cheaperAbove)} cheaper above)`).join('; ')}.`
        : 'No two series cross between 1,000 and 100,000,000 orders a month.'),
    columns: [col('from orders/month', true), col('to orders/month', true), col('cheapest')],
    rows: ranges.map((g) => [num(fmtVolume(g.fromOrders)), num(fmtVolume(g.toOrders)), text(listing(g.series.map(variantLabel)))]),
  };
}

/** The lines that make most of each series' bill, at a low, a middle and a high volume. */
export function billDriversTable(r: Results): Table | null {
  const p = r.projection;
  if (!p?.bills.length) return null;
  const volumes = [...new Set(p.bills.map((b) => b.ordersPerMonth))].sort((a, b) => a - b);
  const rows: Cell[][] = [];
  for (const v of volumes)
    for (const b of topBillLines(p, v))
      b.lines.forEach((l, i) =>
        rows.push([
          num(fmtVolume(v)),
          variantCell(b.series),
          num(i === 0 ? fmtUsd(b.totalUsd) : ''),
          text(`${l.service}: ${l.item}`),
          text(l.kind),
          num(fmtUsd(l.usd)),
          num(b.totalUsd > 0 ? `${Math.round((l.usd / b.totalUsd) * 100)}%` : dash),
        ]),
      );
  return {
    id: 'bill-drivers',
    title: 'What moves the bill',
    caption: "The three largest lines of each series' monthly bill at each volume, with their share of it.",
    columns: [
      col('orders/month', true),
      col('variant'),
      col('bill per month', true),
      col('line'),
      col('kind'),
      col('USD per month', true),
      col('share', true),
    ],
    rows,
  };
}

/** Costs that do not grow with orders, per variant. */
export function fixedCostsTable(r: Results): Table | null {
  const rows: Cell[][] = [];
  for (const v of r.variants)
    for (const f of v.cost?.fixed ?? [])
      rows.push([
        variantCell(v.name),
        text(`${f.service}: ${f.item}`),
        num(fmtPerOrder(f.count)),
        text(f.unit),
        num(fmtUsd(f.usdPerMonth)),
        text(f.priceId),
      ]);
  if (!rows.length) return null;
  return {
    id: 'fixed-costs',
    title: 'Fixed monthly costs',
    caption:
      "Per month (730 hours) whatever the volume, from each variant's deployment: an always-on worker and its public address, and the idle polling of Lambda event source mappings (long polls assumed as AWS describes them, not measured).",
    columns: [
      col('variant'),
      col('line'),
      col('units per month', true),
      col('unit'),
      col('USD per month', true),
      col('price id', false, true),
    ],
    rows,
  };
}

const staticOf = (v: VariantResult) => v.coupling?.static;

export function couplingTable(r: Results): Table | null {
  const vs = r.variants.filter((v) => v.coupling);
  if (!vs.length) return null;
  return {
    id: 'coupling',
    title: 'Coupling metrics',
    caption:
      'Static: components and the imports between them, read from the code with the TypeScript compiler. Dynamic: messages per order (publishes, sends, task callbacks, workflow tasks) and the channels they used, from the run.',
    columns: [
      col('variant'),
      col('components', true),
      col('edges', true),
      col('imports', true),
      col('type-only', true),
      col('mean instability', true),
      col('messages/order', true),
      col('channels', true),
      col('critical path hops', true),
      col('services/order', true),
    ],
    rows: vs.map((v) => {
      const s = staticOf(v)!;
      const d = v.coupling!.dynamic;
      const inst = s.components.length ? s.components.reduce((a, c) => a + c.instability, 0) / s.components.length : 0;
      return [
        variantCell(v.name),
        num(fmtCount(s.components.length)),
        num(fmtCount(s.edges.length)),
        num(fmtCount(s.edges.reduce((a, e) => a + e.imports, 0))),
        num(fmtCount(s.edges.reduce((a, e) => a + e.typeOnly, 0))),
        num(fmtRatio(inst)),
        num(d ? fmtRatio(d.messagesPerOrder) : dash),
        num(d ? fmtCount(d.distinctChannels) : dash),
        num(d ? fmtCount(d.criticalPathHops) : dash),
        num(d ? fmtRatio(d.servicesTouchedPerOrder) : dash),
      ];
    }),
  };
}

export function componentsTable(v: VariantResult): Table | null {
  const s = staticOf(v);
  if (!s) return null;
  return {
    id: `components-${v.name}`,
    title: `${variantLabel(v.name)}: components`,
    caption: 'Ca: components importing this one; Ce: components it imports; instability Ce / (Ca + Ce).',
    columns: [
      col('component'),
      col('files', true),
      col('Ca', true),
      col('Ce', true),
      col('instability', true),
      col('contracts', true),
      col('npm packages', true),
    ],
    rows: s.components.map((c) => [
      text(c.name),
      num(fmtCount(c.files.length)),
      num(fmtCount(c.afferent)),
      num(fmtCount(c.efferent)),
      num(fmtRatio(c.instability)),
      num(fmtCount(c.contracts)),
      num(fmtCount(c.externalPackages.length)),
    ]),
  };
}

export function changeImpactTable(r: Results): Table | null {
  const vs = r.variants.filter((v) => v.coupling?.changeImpact);
  if (!vs.length) return null;
  return {
    id: 'change-impact',
    title: 'Change impact: add a fraud check between reservation and payment',
    caption: 'The same feature scripted into each variant and measured as a diff; "compiles" means no new TypeScript error.',
    columns: [
      col('variant'),
      col('change'),
      col('files', true),
      col('lines added', true),
      col('lines removed', true),
      col('components changed'),
      col('compiles'),
    ],
    rows: vs.map((v) => {
      const c = v.coupling!.changeImpact!;
      return [
        variantCell(v.name),
        text(c.summary),
        num(fmtCount(c.filesChanged)),
        num(`+${fmtCount(c.linesAdded)}`),
        num(`−${fmtCount(c.linesRemoved)}`),
        text(c.componentsChanged.join(', ')),
        text(c.compiles ? 'yes' : `no (${c.newErrors.length} new errors)`, { tone: c.compiles ? 'ok' : 'bad' }),
      ];
    }),
  };
}

export function invariantsTable(r: Results): Table {
  // Checks from fault runs are summed up per fault in the faults table.
  const names = [...new Set(r.variants.flatMap((v) => invariantGroups(v).map((g) => g.name)))].filter((n) => !/\(fault [a-z]+\)$/.test(n));
  const groups = new Map(r.variants.map((v) => [v.name, new Map(invariantGroups(v).map((g) => [g.name, g]))]));
  return {
    id: 'invariants',
    title: 'Invariants',
    caption: 'Checked after every level against every table; a cell counts the levels where the check held.',
    columns: [col('invariant'), ...r.variants.map((v) => col(variantLabel(v.name)))],
    rows: names.map((n) => [
      text(n),
      ...r.variants.map((v) => {
        const g = groups.get(v.name)?.get(n);
        if (!g) return text(dash);
        const held = g.total - g.broken.length;
        return g.broken.length
          ? text(`✗ broken at ${g.broken.length} of ${g.total}: ${g.broken.map((b) => b.detail).join('; ')}`, { tone: 'bad' })
          : text(`✓ held ${held}/${g.total}`, { tone: 'ok' });
      }),
    ]),
  };
}

export function outcomesTable(r: Results): Table {
  return {
    id: 'outcomes',
    title: 'Outcomes (every level, warmup included)',
    columns: [
      col('variant'),
      col('accepted', true),
      col('completed', true),
      col('cancelled', true),
      col('rejected', true),
      col('lost', true),
      col('errors', true),
    ],
    rows: r.variants.map((v) => {
      const o = v.outcomes;
      return [
        variantCell(v.name),
        num(fmtCount(o.accepted)),
        num(fmtCount(o.completed)),
        num(fmtCount(o.cancelled)),
        num(fmtCount(o.rejected)),
        num(fmtCount(o.lost), o.lost ? { tone: 'bad' } : { tone: 'ok' }),
        num(fmtCount(o.errors), o.errors ? { tone: 'bad' } : {}),
      ];
    }),
  };
}

const SAMPLE_CHARS = 160;

export function dlqTable(r: Results): Table | null {
  const rows: Cell[][] = [];
  for (const v of r.variants)
    for (const l of v.levels)
      for (const d of l.dlq)
        if (d.messages > 0) {
          const sample = d.sample[0] ?? '';
          rows.push([
            variantCell(v.name),
            levelCell(r, l.level),
            text(d.queue),
            num(fmtCount(d.messages), { tone: 'bad' }),
            text(sample.length > SAMPLE_CHARS ? `${sample.slice(0, SAMPLE_CHARS)}…` : sample),
          ]);
        }
  if (!rows.length) return null;
  return {
    id: 'dlq',
    title: 'Dead-letter queues',
    caption: "Messages left in a DLQ after a level, with the first one's body.",
    columns: [col('variant'), col('load'), col('queue'), col('messages', true), col('first message')],
    rows,
  };
}

export function faultsTable(r: Results): Table | null {
  const rows: Cell[][] = [];
  for (const v of r.variants)
    for (const f of v.faults ?? []) {
      const broken = f.invariants.filter((i) => !i.ok).length;
      rows.push([
        variantCell(v.name),
        text(f.fault),
        levelCell(r, f.level),
        // The duplicate fault's count is measured where the duplicates were sent, so the cell says how many.
        text(
          `${f.fired ? 'yes' : 'no'}${f.duplicatesSent !== undefined ? ` (${fmtCount(f.duplicatesSent)} sent)` : ''}`,
          f.fired ? {} : { tone: 'bad' },
        ),
        num(fmtCount(f.ordersAffected)),
        num(fmtMs(f.latencyMs.p99)),
        num(f.extraP99Ms === null ? dash : fmtMs(f.extraP99Ms)),
        num(fmtMs(f.recoveryMs)),
        num(fmtCount(f.retries)),
        num(fmtCount(f.outcomes.lost), f.outcomes.lost ? { tone: 'bad' } : {}),
        num(fmtCount(f.dlq.reduce((s, d) => s + d.messages, 0))),
        text(broken ? `✗ ${broken} broken` : '✓ held', { tone: broken ? 'bad' : 'ok' }),
      ]);
    }
  if (!rows.length) return null;
  const skipped = r.variants.flatMap((v) => (v.faultsSkipped ?? []).map((s) => `${variantLabel(v.name)} ${s.fault}: ${s.why}`));
  return {
    id: 'faults',
    title: 'Injected faults',
    caption:
      'Each fault in a run of its own; extra p99 is over the same variant at the same level without the fault.' +
      (skipped.length ? ` Not applicable, so not run: ${skipped.join('; ')}.` : ''),
    columns: [
      col('variant'),
      col('fault'),
      col('load'),
      col('fired'),
      col('orders affected', true),
      col('p99 ms', true),
      col('extra p99 ms', true),
      col('recovery ms', true),
      col('retries', true),
      col('lost', true),
      col('in DLQ', true),
      col('invariants'),
    ],
    rows,
  };
}

export function environmentTable(r: Results): Table {
  const e = r.environment;
  const m = e.machine;
  const rows: Array<[string, string]> = [
    ['target', e.target === 'local' ? 'local emulators' : 'AWS'],
    [
      'latencies',
      e.emulatorNumbers
        ? 'LOCAL EMULATOR numbers: they compare the variants on this substrate, not what AWS would give'
        : `measured on ${e.target}`,
    ],
    ...(e.emulators ? ([['emulators', fmtEmulators(e.emulators)]] as Array<[string, string]>) : []),
    ['machine', `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.platform} ${m.arch}`],
    ['Node.js', e.node],
    [
      'SDKs',
      Object.entries(e.sdk)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['code', e.git ? `commit ${e.git.commit.slice(0, 12)}${e.git.dirty ? ' with uncommitted changes' : ''}` : 'not a git checkout'],
    ['tool', `${r.tool.name} ${r.tool.version}, results schema ${r.schemaVersion}`],
    [
      'run',
      `${e.startedAt} to ${e.endedAt} (${fmtCount(Math.round(durationMs(r) / 1000))} s)${r.partial ? `, PARTIAL${r.partialReason ? `: ${r.partialReason}` : ''}` : ''}`,
    ],
  ];
  return { id: 'environment', title: 'Environment', columns: [col('what'), col('value')], rows: rows.map(([k, v]) => [text(k), text(v)]) };
}

export function workloadTable(r: Results): Table {
  const w = r.workload;
  const rows: Array<[string, string]> = [
    ['seed', String(w.seed)],
    ['orders per level', `${fmtCount(w.orders)} measured + ${fmtCount(w.warmup)} warmup`],
    ['load', `${w.loop} loop at ${w.levels.map((l) => fmtLevel(l, w.loop)).join(', ')}`],
    [
      'failure mix',
      Object.entries(w.failures)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none',
    ],
    ['payload padding', `${fmtCount(w.payloadBytes)} bytes`],
    ['deadline', `${fmtCount(w.deadlineSeconds)} s`],
    ['variant order', w.variantOrder.map(variantLabel).join(', ')],
    ...(w.faults?.length ? ([['faults', w.faults.join(', ')]] as Array<[string, string]>) : []),
  ];
  return { id: 'workload', title: 'Workload', columns: [col('what'), col('value')], rows: rows.map(([k, v]) => [text(k), text(v)]) };
}

export function pricesTable(r: Results): Table {
  const p = r.prices;
  return {
    id: 'prices',
    title: `Price table ${p.version} (${p.region}, ${p.currency})`,
    caption:
      "Every cost above is a count × one of these list prices; the projection applies each price's free allowance (when counted) and volume steps, and the Temporal Cloud plans below. Each links to the provider's page, read on the date given (the note says when only a copy or a summary of it was read).",
    columns: [
      col('id', false, true),
      col('service', false, true),
      col('what'),
      col('USD', true),
      col('per'),
      col('source'),
      col('as of', false, true),
      col('note'),
    ],
    rows: p.prices.map((x) => [
      text(x.id),
      text(x.service),
      text(x.description),
      num(String(x.usd)),
      text(`${x.per === 1 ? '' : `${fmtCount(x.per)} `}${x.unit}${x.per === 1 ? '' : 's'}`),
      text(x.source, { href: x.source }),
      text(x.asOf),
      text(x.note ?? ''),
    ]),
  };
}

export function plansTable(r: Results): Table {
  return {
    id: 'temporal-plans',
    title: 'Temporal Cloud plans',
    caption: `The plan fee is the greater of the minimum or a share of the month's consumption (actions + storage); the projection bills the ${r.projection?.options.temporalPlan ?? 'default'} plan.`,
    columns: [
      col('plan'),
      col('minimum per month', true),
      col('share of consumption', true),
      col('included actions', true),
      col('included active storage', true),
      col('included retained storage', true),
      col('action volume steps'),
      col('source'),
      col('as of', false, true),
    ],
    rows: r.prices.temporalPlans.map((p) => [
      text(`${p.name} (${p.id})`),
      num(fmtUsd(p.minimumMonthlyUsd)),
      num(`${p.usagePct}%`),
      num(fmtCount(p.includedActions)),
      num(`${p.includedActiveGb} GB`),
      num(`${p.includedRetainedGb} GB`),
      text(p.volumeTiers ? 'yes' : 'no (flat first price)'),
      text(p.source, { href: p.source }),
      text(p.asOf),
    ]),
  };
}
