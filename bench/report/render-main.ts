import path from 'node:path';
import { serveJsonChild } from '../../shared/runtime/json-child.ts';
import { writeReport } from './cli.ts';
import { loadResults } from './load.ts';

/** writeReport from a results.json already on disk, in a process of its own: see writeReportInChild. */
serveJsonChild<{ outDir: string }, { html: string; markdown: string }>(async ({ outDir }) => {
  const { results } = loadResults(path.join(outDir, 'results.json'));
  const { html, markdown } = await writeReport(outDir, results);
  return { html, markdown };
});
