import { variantOf, type VariantName } from '../../infra/variants.ts';
import type { BenchConfig } from '../config.ts';
import type { Progress } from '../progress.ts';
import type { LevelRun } from '../run-level.ts';
import { componentGraph, dynamicCoupling, runChangeImpact, type Coupling } from './index.ts';

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
  if (opts.config.changeImpact) {
    opts.progress.log(`${opts.variant}: re-applying the "add a fraud check" change to a scratch copy and compiling it...`);
    changeImpact = await runChangeImpact(opts.variant);
  }
  return { static: componentGraph(opts.variant), dynamic, changeImpact };
}
