import type { VariantName } from './drivers/driver.ts';
import type { BenchConfig } from './config.ts';
import type { Progress } from './progress.ts';
import type { LevelRun } from './run-level.ts';
import { componentGraph, dynamicCoupling, runChangeImpact, type Coupling } from './coupling/index.ts';

/**
 * A variant's coupling: the static graph from the code as it is now, the
 * dynamic figures from the first level's run, and (unless skipped) the scripted
 * "add a fraud check" change re-applied to a scratch copy of this very code.
 */
export async function measureCoupling(opts: { variant: VariantName; runs: LevelRun[]; config: BenchConfig; progress: Progress }): Promise<Coupling> {
  const run = opts.runs[0]!;
  const orders = [...run.warmupRecords, ...run.records].filter((r) => r.acceptedAt !== undefined).length;
  const callbacks = run.report.metered.filter((m) => m.service === 'sfn' && (m.operation === 'SendTaskSuccess' || m.operation === 'SendTaskFailure')).reduce((s, m) => s + m.calls, 0);
  // Messages the meter cannot see: Step Functions' own task message per callback, and the
  // Temporal server's activity tasks (every action but the workflow starts).
  const unmeteredMessages = run.variant === 'stepfunctions' ? callbacks : run.variant === 'temporal' && run.report.temporal ? run.report.temporal.actions - run.report.temporal.workflows : 0;
  const happyOrderIds = run.records.filter((r) => r.status === 'COMPLETED').map((r) => r.id);
  const dynamic = dynamicCoupling({ orders, metered: run.report.metered, traces: run.report.traces, channels: run.report.channels, unmeteredMessages, happyOrderIds });
  let changeImpact: Coupling['changeImpact'] = null;
  if (opts.config.changeImpact) {
    opts.progress.log(`${opts.variant}: re-applying the "add a fraud check" change to a scratch copy and compiling it...`);
    changeImpact = await runChangeImpact(opts.variant);
  }
  return { static: componentGraph(opts.variant), dynamic, changeImpact };
}
