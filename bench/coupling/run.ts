import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { variantOf, type VariantName } from '../../infra/variants.ts';
import { runJsonChild } from '../../shared/runtime/json-child.ts';
import type { BenchConfig } from '../config.ts';
import type { Progress } from '../progress.ts';
import type { LevelRun } from '../run-level.ts';
import { z } from 'zod';
import { changeImpactSchema, dynamicCoupling, runChangeImpact, staticCouplingSchema, type Coupling, type StaticCoupling } from './index.ts';

/**
 * A variant's coupling: the static graph from the code as it is now, the
 * dynamic figures from the first level's run, and (unless skipped) the scripted
 * "add a fraud check" change re-applied to a scratch copy of this very code.
 */
export async function measureCoupling(opts: {
  variant: VariantName;
  runs: LevelRun[];
  config: BenchConfig;
  progress: Progress;
  /** Leave the change impact to the caller (the suite runs every variant's at the end, side by side). */
  deferChangeImpact?: boolean;
  /** The static graph, when worked out beforehand (staticCouplingsInChild); otherwise worked out here. */
  staticCoupling?: StaticCoupling;
}): Promise<Coupling> {
  const run = opts.runs[0]!;
  const orders = [...run.warmupRecords, ...run.records].filter((r) => r.acceptedAt !== undefined).length;
  // Messages the meter cannot see (an engine's own task messages), as the variant counts them.
  const unmeteredMessages = variantOf(run.variant).coupling.unmeteredMessages(run.report);
  const happyOrderIds = run.records.filter((r) => r.status === 'COMPLETED').map((r) => r.id);
  const dynamic = dynamicCoupling({
    orders,
    metered: run.report.metered,
    traces: run.report.traces,
    channels: run.report.channels,
    unmeteredMessages,
    happyOrderIds,
  });
  let changeImpact: Coupling['changeImpact'] = null;
  if (opts.config.changeImpact && !opts.deferChangeImpact) {
    opts.progress.log(`${opts.variant}: re-applying the "add a fraud check" change to a scratch copy and compiling it...`);
    changeImpact = await runChangeImpact(opts.variant);
  }
  return { static: opts.staticCoupling ?? (await staticCouplingInChild(opts.variant)), dynamic, changeImpact };
}

const STATIC_CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static-main.ts');
const CHANGE_IMPACT_CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'change-impact-main.ts');

/**
 * componentGraph in a short-lived child process: the TypeScript compiler it loads
 * (and the garbage of parsing every file) added about 30 MB to the harness's
 * resident size for the rest of a run; a child gives it back when it exits.
 */
export async function staticCouplingInChild(variant: VariantName): Promise<StaticCoupling> {
  return (await staticCouplingsInChild([variant])).get(variant)!;
}

/**
 * Every variant's static graph from one child: the graph reads only the code, so a suite
 * works it out once, beside the engines' start, instead of starting the compiler anew
 * between one variant's levels and the next's.
 */
export async function staticCouplingsInChild(
  variants: readonly VariantName[],
  signal?: AbortSignal,
): Promise<Map<VariantName, StaticCoupling>> {
  const graphs = z
    .array(staticCouplingSchema)
    .length(variants.length)
    .parse(await runJsonChild(STATIC_CHILD, { variants }, `${variants.join(', ')}: the static coupling analysis`, signal));
  return new Map(graphs.map((g) => [g.variant, g]));
}

/**
 * Every variant's change impact at once, after the load runs (none runs while orders
 * are timed), in one child process whose type checks share the unchanged files'
 * (typecheck.ts); `signal` stops it.
 */
export async function measureChangeImpacts(
  variants: VariantName[],
  progress: Progress,
  signal?: AbortSignal,
): Promise<Map<VariantName, Coupling['changeImpact']>> {
  if (!variants.length) return new Map();
  progress.log(`${variants.join(', ')}: re-applying the "add a fraud check" change to scratch copies and type-checking them...`);
  const impacts = z.array(changeImpactSchema).parse(await runJsonChild(CHANGE_IMPACT_CHILD, { variants }, 'the change impact', signal));
  return new Map(impacts.map((i) => [i.variant, i]));
}
