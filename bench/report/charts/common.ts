import { REGISTRY } from '../../../infra/variants.ts';
import type { TopLevelSpec } from 'vega-lite';
import { variantLabel } from '../format.ts';

/** One chart of the report: a Vega-Lite spec (pure data, built from the results) and what it shows. */
export interface Chart {
  /** Stable id: the figure's data-chart attribute. */
  id: string;
  title: string;
  /** What the chart shows, for people; the page adds the emulator note where it applies. */
  caption: string;
  /** True when the chart shows latencies (the LOCAL EMULATOR note applies). */
  latency: boolean;
  spec: TopLevelSpec;
}

/** One colour per variant, the same in every chart. */
const VARIANT_COLORS: Record<string, string> = Object.fromEntries(
  REGISTRY.flatMap((v) => [[v.name, v.color], ...(v.billing.whatIf ? [[v.billing.whatIf.label, v.billing.whatIf.color]] : [])]),
);
const SPARE = ['#b279a2', '#9d755d', '#72b7b2', '#eeca3b', '#bab0ac'];

/** A colour scale over variant labels (what the data carries), in the order given. */
export function variantScale(names: string[]): { domain: string[]; range: string[] } {
  let spare = 0;
  return {
    domain: names.map(variantLabel),
    range: names.map((n) => VARIANT_COLORS[n] ?? SPARE[spare++ % SPARE.length]!),
  };
}

/** One colour per priced service, the same in every chart. */
const SERVICE_COLORS: Record<string, string> = {
  sqs: '#4c78a8',
  sns: '#72b7b2',
  eventbridge: '#ff9da6',
  sfn: '#f58518',
  lambda: '#eeca3b',
  dynamodb: '#9d755d',
  'temporal-cloud': '#54a24b',
  fargate: '#b279a2',
  orders: '#4c78a8',
  inventory: '#f58518',
  payments: '#54a24b',
  shipping: '#b279a2',
  notifications: '#eeca3b',
  fraud: '#e45756',
};

export function serviceScale(services: string[]): { domain: string[]; range: string[] } {
  let spare = 0;
  return { domain: services, range: services.map((s) => SERVICE_COLORS[s] ?? SPARE[spare++ % SPARE.length]!) };
}

/** System fonts only: the page loads nothing. */
export const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';
