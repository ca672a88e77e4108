import path from 'node:path';
import type { StopSignals } from '../../shared/runtime/stop-signals.ts';
import type { Results } from '../results/schema.ts';
import { summaryText } from '../results/summary-text.ts';

/**
 * The end of a bench run, local or on AWS, once its results are on disk: the summary,
 * the report (drawn in a child process: see writeReportInChild), and the exit code a
 * stopped run or a broken invariant gives.
 */
export async function endRun(out: string, results: Results, signals: StopSignals): Promise<void> {
  console.log(summaryText(results));
  console.log(`\nResults: ${path.join(out, 'results.json')}`);
  try {
    const { writeReportInChild } = await import('../report/in-child.ts');
    const report = await writeReportInChild(out);
    console.log(`Report:  ${report.html}\nSummary: ${report.markdown}`);
  } catch (err) {
    // The results are complete and on disk; only their rendering failed.
    console.error(
      `sagabench: the report could not be written (${(err as Error).message}); the results are complete: run sagabench report ${out}`,
    );
    process.exitCode = 1;
  }
  if (results.partial) process.exitCode = signals.reason()?.exitCode ?? 130;
  else if (!results.invariantsOk) {
    console.error('sagabench: an invariant was broken (see the results); exit 1');
    process.exitCode = 1;
  }
}
