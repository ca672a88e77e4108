import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJsonChild } from '../../shared/runtime/json-child.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'render-main.ts');

/**
 * The report of a run, drawn from its results.json (the report reads only that
 * file) by a short-lived child process: Vega, the charts and the garbage of drawing
 * them added 80–100 MB to the harness's resident size in its last seconds, which a
 * child gives back to the system when it exits.
 */
export function writeReportInChild(outDir: string): Promise<{ html: string; markdown: string }> {
  return runJsonChild(CHILD, { outDir }, 'drawing the report');
}
