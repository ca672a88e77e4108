import { PRICE_TABLE, type Price, type PriceTable } from './prices.ts';
import { billingOptionsSchema, GB, priceOf, type BillingOptions, type CostEstimate } from './model.ts';

/**
 * A month's bill at a given volume, the way the providers add it up: each price's
 * units for the month, less the plan's included units (and the free tier, when
 * counted), through its volume steps; then the fixed lines; then the Temporal Cloud
 * plan fee, the greater of its minimum or a share of the month's consumption. Not a
 * straight line: allowances, steps and the "greater of" bend it, so crossovers are
 * searched for, not solved.
 */

/** Temporal Cloud turns a storage allowance of 1 GB into 744 GB-hours. */
const GBH_PER_GB = 744;

export interface BillLine {
  service: string;
  item: string;
  kind: 'per-order' | 'fixed' | 'plan';
  usd: number;
}

export interface MonthlyBill {
  ordersPerMonth: number;
  totalUsd: number;
  lines: BillLine[];
}

/** Dollars for `units` of a price through its steps (flat at the first price when `flat`). */
export function tieredUsd(p: Price, units: number, flat = false): number {
  if (units <= 0) return 0;
  const steps = !flat && p.tiers ? p.tiers : [{ fromUnits: 0, usd: p.usd }];
  let usd = 0;
  steps.forEach((s, i) => {
    const end = steps[i + 1]?.fromUnits ?? Infinity;
    const inStep = Math.max(0, Math.min(units, end) - s.fromUnits);
    usd += (inStep * s.usd) / p.per;
  });
  return usd;
}

export function billMonth(
  estimate: CostEstimate,
  ordersPerMonth: number,
  table: PriceTable = PRICE_TABLE,
  optionsIn: Partial<BillingOptions> = {},
): MonthlyBill {
  if (!(Number.isFinite(ordersPerMonth) && ordersPerMonth >= 0)) throw new Error('ordersPerMonth must be a finite non-negative number');
  const options = billingOptionsSchema.parse(optionsIn);
  const plan = table.temporalPlans.find((x) => x.id === options.temporalPlan);
  if (!plan)
    throw new Error(
      `unknown Temporal Cloud plan '${options.temporalPlan}' (price table ${table.version} has ${table.temporalPlans.map((x) => x.id).join(', ')})`,
    );
  const lines: BillLine[] = [];
  const byPrice = new Map<string, typeof estimate.breakdown>();
  for (const l of estimate.breakdown) byPrice.set(l.priceId, [...(byPrice.get(l.priceId) ?? []), l]);
  let temporalConsumption = 0;
  for (const [priceId, group] of byPrice) {
    const p = priceOf(table, priceId);
    const units = (group.reduce((s, l) => s + l.count, 0) * ordersPerMonth) / 1e6;
    let allowance = options.freeTier ? (p.freePerMonth ?? 0) : 0;
    let flat = false;
    if (priceId === 'temporal-cloud-action') {
      allowance = plan.includedActions;
      flat = !plan.volumeTiers;
    } else if (priceId === 'temporal-cloud-active-storage') allowance = plan.includedActiveGb * GBH_PER_GB;
    else if (priceId === 'temporal-cloud-retained-storage') allowance = plan.includedRetainedGb * GBH_PER_GB;
    const usd = tieredUsd(p, units - allowance, flat);
    if (p.service === 'temporal-cloud') temporalConsumption += usd;
    // Shared out over the lines by their units, so "what moves the bill" can name them.
    const total = group.reduce((s, l) => s + l.count, 0);
    for (const l of group)
      lines.push({ service: l.service, item: l.item, kind: 'per-order', usd: total > 0 ? (usd * l.count) / total : 0 });
  }
  for (const f of estimate.fixed) lines.push({ service: f.service, item: f.item, kind: 'fixed', usd: f.usdPerMonth });
  if (byPrice.has('temporal-cloud-action'))
    lines.push({
      service: 'temporal-cloud',
      item: `${plan.name} plan fee (greater of $${plan.minimumMonthlyUsd} or ${plan.usagePct}% of consumption)`,
      kind: 'plan',
      usd: Math.max(plan.minimumMonthlyUsd, (plan.usagePct / 100) * temporalConsumption),
    });
  lines.sort((a, b) => b.usd - a.usd || a.item.localeCompare(b.item));
  return { ordersPerMonth, totalUsd: lines.reduce((s, l) => s + l.usd, 0), lines };
}

export interface Series {
  series: string;
  estimate: CostEstimate;
}

export interface Crossover {
  a: string;
  b: string;
  ordersPerMonth: number;
  /** The series that is cheaper just above the crossover. */
  cheaperAbove: string;
}

export interface MonthlyProjection {
  options: BillingOptions;
  rows: Array<{ ordersPerMonth: number; usdByVariant: Record<string, number> }>;
  /** The bill at zero orders: fixed lines and plan minimums. */
  fixedMonthlyUsd: Record<string, number>;
  crossovers: Crossover[];
  /** The bill line by line at a few volumes, for "what moves the bill". */
  bills: Array<{ series: string; ordersPerMonth: number; totalUsd: number; lines: BillLine[] }>;
}

export const PROJECTION_RANGE = { from: 1e3, to: 1e8, pointsPerDecade: 20 } as const;
export const BILL_VOLUMES = [1e3, 1e6, 1e8] as const;

/** Volumes from 1k to 100M orders a month, evenly spaced on a log scale (decades land exactly). */
export function projectionVolumes(r: { from: number; to: number; pointsPerDecade: number } = PROJECTION_RANGE): number[] {
  const decades = Math.log10(r.to / r.from);
  const steps = Math.round(decades * r.pointsPerDecade);
  return Array.from({ length: steps + 1 }, (_, i) => {
    const v = r.from * 10 ** ((decades * i) / steps);
    return i % r.pointsPerDecade === 0 ? Math.round(v) : v;
  });
}

export function projectMonthly(
  series: Series[],
  table: PriceTable = PRICE_TABLE,
  optionsIn: Partial<BillingOptions> = {},
  volumes: number[] = projectionVolumes(),
): MonthlyProjection {
  const options = billingOptionsSchema.parse(optionsIn);
  const names = new Set<string>();
  for (const s of series) {
    if (names.has(s.series)) throw new Error(`series ${s.series} given twice`);
    names.add(s.series);
  }
  const total = (s: Series, v: number) => billMonth(s.estimate, v, table, options).totalUsd;
  const rows = volumes.map((v) => ({ ordersPerMonth: v, usdByVariant: Object.fromEntries(series.map((s) => [s.series, total(s, v)])) }));
  const crossovers: Crossover[] = [];
  series.forEach((a, i) => {
    for (const b of series.slice(i + 1)) {
      const diff = (v: number) => total(a, v) - total(b, v);
      for (let k = 1; k < volumes.length; k++) {
        let lo = volumes[k - 1]!;
        let hi = volumes[k]!;
        const dLo = diff(lo);
        const dHi = diff(hi);
        if (!(dLo * dHi < 0)) continue;
        for (let it = 0; it < 60 && hi / lo > 1 + 1e-9; it++) {
          const mid = Math.sqrt(lo * hi);
          if (Math.sign(diff(mid)) === Math.sign(dLo)) lo = mid;
          else hi = mid;
        }
        crossovers.push({ a: a.series, b: b.series, ordersPerMonth: hi, cheaperAbove: dHi < 0 ? a.series : b.series });
      }
    }
  });
  crossovers.sort((x, y) => x.ordersPerMonth - y.ordersPerMonth);
  return {
    options,
    rows,
    fixedMonthlyUsd: Object.fromEntries(series.map((s) => [s.series, total(s, 0)])),
    crossovers,
    bills: series.flatMap((s) =>
      BILL_VOLUMES.map((v) => {
        const bill = billMonth(s.estimate, v, table, options);
        return { series: s.series, ordersPerMonth: v, totalUsd: bill.totalUsd, lines: bill.lines };
      }),
    ),
  };
}
