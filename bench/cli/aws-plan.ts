import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline/promises';
import { UserError } from '../../shared/errors.ts';
import { PROJECT_ROOT } from '../../shared/paths.ts';
import { readDeployment, type Deployment } from '../../infra/deploy/record.ts';
import { variantOf, type VariantName } from '../../infra/variants.ts';
import type { BenchConfig } from '../config.ts';
import { loadResults } from '../report/load.ts';

/**
 * How long after a level's last order the provider's records are read: Lambda writes a REPORT line
 * within seconds, but CloudWatch publishes a minute's metric datapoint a few minutes late.
 */
export const DEFAULT_PROVIDER_SETTLE_SECONDS = 180;

/** Orders a `--target aws` run may place unless `--max-orders` raises it: a slip of a flag must not run up a bill. */
export const DEFAULT_AWS_MAX_ORDERS = 1000;

export interface AwsPlanLine {
  variant: VariantName;
  stacks: string[];
  account: string;
  region: string;
  orders: number;
  perOrderUsd: number;
  usd: number;
  fixedUsdPerMonth: number;
}

export interface AwsPlan {
  lines: AwsPlanLine[];
  orders: number;
  usd: number;
  maxOrders: number;
  /** The local results whose counted operations priced the estimate. */
  estimateFrom: string;
  priceTable: string;
}

/** Every order a run places: each variant, level and repeat, warmup included. */
export const plannedOrders = (c: BenchConfig): number => c.levels.length * c.repeat * (c.orders + c.warmup);

/** The newest results under results/ that priced every variant asked for: the counts the estimate multiplies. */
function newestLocalResults(variants: readonly VariantName[]): string | undefined {
  const dir = path.join(PROJECT_ROOT, 'results');
  if (!fs.existsSync(dir)) return undefined;
  const files = fs
    .readdirSync(dir)
    .map((d) => path.join(dir, d, 'results.json'))
    .filter((f) => fs.existsSync(f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  for (const f of files) {
    try {
      const r = loadResults(f).results;
      if (r.environment.target === 'local' && variants.every((v) => r.variants.some((x) => x.name === v && x.cost))) return f;
    } catch {
      /* not a readable results file: the next one */
    }
  }
  return undefined;
}

/**
 * What a `--target aws` run would do and cost, checked before anything reaches AWS:
 * every variant deployed (its record in .tools/deployments/), no more orders than the
 * cap, and an estimated bill = the cost model's per-order price (from operations counted
 * in a local run of the same variants) x the planned orders.
 */
export function planAwsRun(
  config: BenchConfig,
  opts: {
    maxOrders: number;
    estimateFrom?: string;
    /**
     * The address Temporal's own environment configuration names (env vars, then the TOML profile).
     * Absent (a dry run, which checks no environment, as it checks no AWS credentials): not checked.
     */
    temporalAddress?: () => string | undefined;
  },
): AwsPlan {
  if (config.faults.length)
    throw new UserError('--target aws: fault injection runs locally only (its faults are client middleware and local process stops)', 2);
  const missing = config.variants.filter((v) => !readDeployment(v, { target: 'aws' }));
  if (missing.length)
    throw new UserError(
      `--target aws needs each variant deployed first: run ${missing.map((v) => `\`sagabench deploy ${v} --target aws\``).join(', ')}`,
      2,
    );
  for (const v of config.variants) {
    const why = awsRefusal(v, readDeployment(v, { target: 'aws' })!, opts.temporalAddress);
    if (why) throw new UserError(`--target aws: ${v}: ${why}; no order was placed`, 2);
  }
  const perVariant = plannedOrders(config);
  const total = perVariant * config.variants.length;
  if (total > opts.maxOrders)
    throw new UserError(
      `--target aws: this run would place ${total} orders (${config.variants.length} variants x ${config.levels.length} levels x ${config.repeat} repeats x ${config.orders}+${config.warmup} orders), above the cap of ${opts.maxOrders}; lower --orders/--levels or raise the cap with --max-orders`,
      2,
    );
  const from = opts.estimateFrom ?? newestLocalResults(config.variants);
  if (!from)
    throw new UserError(
      `--target aws: no local results to estimate the bill from (the estimate prices the operations a local run counted); run \`sagabench bench --variants ${config.variants.join(',')}\` first, or pass --estimate-from <results.json>`,
      2,
    );
  const local = loadResults(from).results;
  const lines = config.variants.map((v): AwsPlanLine => {
    const d = readDeployment(v, { target: 'aws' })!;
    const cost = local.variants.find((x) => x.name === v)?.cost;
    if (!cost) throw new UserError(`--estimate-from ${from}: it has no cost for ${v}; run a local bench of ${v} first`, 2);
    if (d.placement.target !== 'aws') throw new Error(`${v}: the AWS record holds a ${d.placement.target} placement`);
    return {
      variant: v,
      stacks: d.placement.stacks,
      account: d.placement.account,
      region: d.placement.region,
      orders: perVariant,
      perOrderUsd: cost.perOrderUsd,
      usd: cost.perOrderUsd * perVariant,
      fixedUsdPerMonth: cost.fixed.reduce((a, f) => a + f.usdPerMonth, 0),
    };
  });
  return {
    lines,
    orders: total,
    usd: lines.reduce((a, l) => a + l.usd, 0),
    maxOrders: opts.maxOrders,
    estimateFrom: from,
    priceTable: `${local.prices.version} (${local.prices.region})`,
  };
}

/** Why a recorded AWS deployment cannot be driven, before anything is placed; undefined when it can. */
function awsRefusal(v: VariantName, d: Deployment, temporalAddress?: () => string | undefined): string | undefined {
  if (!variantOf(v).awsTarget) return 'driving it on AWS is not implemented';
  const r = d.resources as { stateMachineType?: string; taskQueue?: string; variant: string; functionAliasArn?: string };
  // Lambda runs no durable execution on an unqualified function name; a record from before the stack published its alias has none.
  if (r.variant === 'lambda-durable' && !r.functionAliasArn)
    return 'its record names no function alias to start durable executions on (Lambda runs none on an unqualified name): redeploy it with `sagabench deploy lambda-durable --target aws`';
  // Learned through DescribeExecution and counted from GetExecutionHistory, which EXPRESS executions do not have.
  if (r.stateMachineType === 'EXPRESS')
    return 'its state machine is EXPRESS, whose executions cannot be described or their histories read; deploy it STANDARD to bench it';
  if (r.taskQueue !== undefined && temporalAddress && !temporalAddress())
    return "no Temporal address: set TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TEMPORAL_API_KEY (or a profile in Temporal's config file), the namespace the stack's worker polls";
  return undefined;
}

const usd = (x: number) => (x >= 0.01 ? `$${x.toFixed(2)}` : `$${x.toPrecision(3)}`);

export function formatAwsPlan(p: AwsPlan, config: BenchConfig): string {
  const out = [
    `Plan for --target aws: ${config.variants.join(', ')}; ${config.orders} orders + ${config.warmup} warmup per level, ${config.loop} loop at ${config.levels.join(', ')}${config.repeat > 1 ? `, ${config.repeat} repeats` : ''}, seed ${config.seed}`,
  ];
  for (const l of p.lines)
    out.push(
      `  ${l.variant}: stacks ${l.stacks.join(', ')} (account ${l.account}, ${l.region}); ${l.orders} orders x ${usd(l.perOrderUsd)} = ${usd(l.usd)}` +
        (l.fixedUsdPerMonth > 0 ? `; its fixed lines (${usd(l.fixedUsdPerMonth)}/month) accrue while it stays deployed, bench or not` : ''),
    );
  out.push(
    `Estimated bill: ${usd(p.usd)} for ${p.orders} orders (cap ${p.maxOrders}; --max-orders raises it), per-order prices from the operations counted in ${p.estimateFrom}, price table ${p.priceTable}.`,
  );
  out.push(
    "Not included: CloudWatch Logs ingestion of the run, data transfer, the Temporal Cloud plan's monthly minimum, and anything else in the account.",
  );
  return out.join('\n');
}

/** Asks on the terminal; without one, only --yes can say yes. */
export async function confirmAwsRun(p: AwsPlan): Promise<void> {
  if (!process.stdin.isTTY)
    throw new UserError(
      `--target aws: confirm the estimated bill of ${usd(p.usd)} with --yes (no terminal to ask on); no order was placed`,
      2,
    );
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const a = (await rl.question(`Place ${p.orders} orders on AWS for an estimated ${usd(p.usd)}? [y/N] `)).trim().toLowerCase();
    if (a !== 'y' && a !== 'yes') throw new UserError('Not confirmed; no order was placed.', 1);
  } finally {
    rl.close();
  }
}
