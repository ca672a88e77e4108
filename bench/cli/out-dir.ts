import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors.ts';

/**
 * Proves `--out` can take the results before any engine starts: a run that
 * could not write its figures would otherwise find out only at its end. Returns
 * a function that removes what this made, for a run that ends with nothing written.
 */
export function prepareOut(out: string): { cleanup(): void } {
  if (fs.existsSync(path.join(out, 'results.json'))) throw new UserError(`${out} already holds a results.json; choose another --out`, 2);
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new UserError(`--out ${out} is a file, not a folder`, 2);
  let created: string | undefined;
  const probe = path.join(out, `.sagabench-write-test-${process.pid}`);
  try {
    created = makeDirs(out);
    fs.writeFileSync(probe, 'sagabench checks it can write here\n');
    fs.rmSync(probe);
  } catch (err) {
    if (created) fs.rmSync(created, { recursive: true, force: true });
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`--out ${out}: cannot write there (${e.code ?? e.message}); choose a folder you can write to`, 2);
  }
  return {
    cleanup() {
      if (!created) return;
      try {
        // Only folders this made, and only while empty: never a file the run or the user put there.
        for (let dir = out; dir.startsWith(created) && fs.readdirSync(dir).length === 0; dir = path.dirname(dir)) fs.rmdirSync(dir);
      } catch {
        /* already gone, or not ours to remove */
      }
    },
  };
}

/**
 * `mkdir -p` one level at a time: Node's recursive mkdir spins for ever on a
 * path it cannot create under /proc. Returns the first folder it made, if any.
 */
function makeDirs(dir: string): string | undefined {
  const missing: string[] = [];
  for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) fs.mkdirSync(d);
  return missing[0];
}
