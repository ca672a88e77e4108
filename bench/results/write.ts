import path from 'node:path';
import { resultsSchema, type Results } from './schema.ts';
import { writeFileAtomic } from '../../shared/runtime/atomic-write.ts';

/**
 * Validates against the contract, then replaces results.json in one rename: a
 * reader (or a Ctrl-C) never sees half a file, and nothing off-contract is written.
 */
export function writeResults(dir: string, results: Results): string {
  const valid = resultsSchema.parse(results);
  const file = path.join(dir, 'results.json');
  writeFileAtomic(file, `${JSON.stringify(valid, null, 2)}\n`);
  return file;
}
