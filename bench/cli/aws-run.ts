import path from 'node:path';
import { handleStopSignals } from '../../shared/runtime/stop-signals.ts';
import { UserError } from '../../shared/errors.ts';
import type { Results } from '../results/schema.ts';
import type { BenchConfig } from '../config.ts';
import { createProgress } from '../progress.ts';
import { writeResults } from '../results/write.ts';
import { prepareOut } from './out-dir.ts';

/**
 * `bench --target aws` after the plan was confirmed: the same suite as any run (runBenchmark, the
 * same levels, invariants and cost model), driving each variant's AWS record through its AWS
 * deployed target. Nothing is started here: no engine, no moto reset, no floor (it needs the
 * local engines); the clients come from the standard credential chain in each record's region,
 * Temporal from its own environment configuration, and the provider's counts are read after each
 * level once they have settled.
 */
export async function runOnAws(config: BenchConfig, opts: { out: string; quiet: boolean; settleSeconds: number }): Promise<void> {
  const outDir = prepareOut(opts.out);
  const log = opts.quiet ? () => {} : (l: string) => console.error(l);
  const signals = handleStopSignals((l) => console.error(l));
  let written = false;
  try {
    // Loaded here, as for a local run: every other command would pay for the harness on each start.
    const [{ runBenchmark }, { endRun }, { providerCounts }, { createAwsClients }] = await Promise.all([
      import('../run.ts'),
      import('./run-end.ts'),
      import('../aws/provider-counts.ts'),
      import('../../shared/aws/clients.ts'),
    ]);
    const progress = createProgress(process.stderr, opts.quiet);
    let writeError: string | undefined;
    const checkpoint = (res: Results) => {
      try {
        writeResults(opts.out, res);
        written = true;
        writeError = undefined;
      } catch (err) {
        if (!writeError) console.error(`sagabench: could not write ${path.join(opts.out, 'results.json')}: ${(err as Error).message}`);
        writeError = (err as Error).message;
      }
    };
    const results = await runBenchmark({
      config,
      signal: signals.stop,
      abandon: signals.abandon,
      progress,
      checkpoint,
      providerCounts: (deployment) => {
        if (deployment.placement.target !== 'aws') throw new Error('an AWS run reads AWS records only');
        // The harness's own reads (the event streams the EventBridge entries are counted from) in the record's region.
        const harness = createAwsClients({ kind: 'aws', region: deployment.placement.region });
        const count = providerCounts({ deployment, harness, settleMs: opts.settleSeconds * 1000, log });
        return (r) => count(r).finally(() => harness.destroy());
      },
    }).finally(() => progress.close());
    if (writeError) throw new UserError(`the results could not be written to ${opts.out} (${writeError})`);
    await endRun(opts.out, results, signals);
  } finally {
    signals.dispose();
    if (!written) outDir.cleanup();
  }
}
