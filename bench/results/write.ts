import fs from 'node:fs';
import path from 'node:path';
import { resultsSchema, type Results } from './schema.ts';

/**
 * Validates against the contract, then replaces results.json in one rename: a
 * reader (or a Ctrl-C) never sees half a file, and nothing off-contract is written.
 */
export function writeResults(dir: string, results: Results): string {
  const valid = resultsSchema.parse(results);
  const file = path.join(dir, 'results.json');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(valid, null, 2)}\n`);
  fs.renameSync(tmp, file);
  return file;
}
