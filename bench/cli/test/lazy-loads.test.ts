import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../shared/paths.ts';

const PROBE = path.join(import.meta.dirname, 'fixtures', 'heavy-imports.mjs');

/** The heavy packages a module's static imports load. */
async function heavyImportsOf(module: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [PROBE, path.join(PROJECT_ROOT, module)], {
    cwd: PROJECT_ROOT,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as string[];
}

// The compiler (coupling, change impact) and Vega (the report) are tens of MB each: the bench command
// loads them where they are used, in child processes, so the harness's resident size, which the long
// run measures, does not carry them. A static import of either from the harness's graph breaks that.
describe('the bench command loads the compiler and the report renderer on use only', () => {
  it('imports neither TypeScript nor Vega when its module loads', { timeout: 60_000 }, async () => {
    expect(await heavyImportsOf('bench/cli/bench.ts')).toEqual([]);
  });

  it('the probe sees them where they are imported', { timeout: 60_000 }, async () => {
    expect(await heavyImportsOf('bench/coupling/typecheck.ts')).toEqual(['typescript']);
  });
});

// The Temporal worker package (its native bridge, bundler and their dependencies) belongs to the worker
// processes: the harness only starts and watches workflows. Loaded in the harness it was ~6 MB of heap
// that every full GC during a measured level marks again (harness CPU, issue #16) and ~35 MB of RSS.
describe('the harness loads no Temporal worker', () => {
  it('neither the level runner, the floors nor any variant target imports @temporalio/worker', { timeout: 120_000 }, async () => {
    for (const module of [
      'bench/run-level.ts',
      'bench/floor/run.ts',
      'orchestration/temporal/harness/target.ts',
      'orchestration/temporal/harness/floor.ts',
      'orchestration/stepfunctions/harness/target.ts',
      'choreography/harness/target.ts',
      'orchestration/lambda-durable/harness/target.ts',
    ])
      expect(await heavyImportsOf(module), module).toEqual([]);
  });

  it('the probe sees it where a worker starts', { timeout: 60_000 }, async () => {
    expect(await heavyImportsOf('shared/temporal/worker-connection.ts')).toEqual(['@temporalio/worker']);
  });
});
