import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { compileCacheDir } from './shared/paths.ts';

// The processes the tests start (services, workers, floors, whole CLIs) are fresh Nodes that would
// each compile the AWS and Temporal SDKs and the sources again: they inherit Node's compile cache
// from here, the one the CLI gives the processes it starts (bench/cli/bin.mjs), and so do the
// vitest workers themselves. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
process.env.NODE_COMPILE_CACHE ??= compileCacheDir();

/**
 * Two lanes, each one file at a time on a substrate of its own, which `npm test` runs side by side
 * (two vitest processes, see package.json). The files of a lane share its emulator, so a second file
 * in the same lane would only queue behind it; but the slowest files mostly wait (for the fault
 * matrix's visibility and activity timeouts, for CLIs and engines to start and stop), and the other
 * lane uses those waits. The `cli` lane holds the files that run whole `sagabench` commands (the
 * engines' `local` commands and the local deploy among them) and one file that balances them; `core`
 * everything else, with one half of the fault matrix, so that the lanes end within about a minute of each
 * other (measured: README, "Where the test suite's time goes").
 */
const CLI_LANE = [
  // The choreographies' half of the fault matrix runs in `core` (bench/test/fault-matrix.ts says why).
  'bench/test/fault-matrix-orchestrations.test.ts',
  'bench/test/stop-signals.test.ts',
  'bench/test/bench-deployed.test.ts',
  'bench/test/bench-cli.test.ts',
  'bench/test/bench-aws.test.ts',
  'bench/cli/test/usage.test.ts',
  'infra/test/deploy-aws.test.ts',
  'infra/test/deploy-local.test.ts',
  'shared/engines/test/lifecycle.test.ts',
  // Not a whole command: it balances the lanes. `core` still ended 90–170 s after `cli` in four fresh-clone
  // runs (README), and this file, about 50 s of retry backoffs, is closest to half of that.
  'orchestration/temporal/test/throttle.test.ts',
  // Not a whole command either: with the fault matrix at a 10 s redelivery, `cli` lost about 100 s of waits
  // and `core` about 60 s (README), and this file (about 27 s of floors) evens them out again.
  'bench/test/floor.test.ts',
];
/**
 * Vitest runs a fresh clone's files largest first, which put both halves of the fault matrix (small
 * files, long waits) last in their lanes, waiting side by side while the cores idled. The `cli` lane's
 * half goes first instead: its waits meet the `core` lane's busiest files, and `core`'s half, last,
 * meets the `cli` lane's.
 */
const FIRST = ['bench/test/fault-matrix-orchestrations.test.ts'];
class WaitsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = (f: TestSpecification) => FIRST.some((name) => f.moduleId.endsWith(name));
    return [...sorted.filter(first), ...sorted.filter((f) => !first(f))];
  }
}
const ALL = ['{choreography,orchestration,shared,bench,infra}/**/*.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['shared/engines/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    sequence: { sequencer: WaitsFirst },
    projects: [
      // A lane's processes carry its name in their environment, so a leftover-process check in one
      // lane never counts the other lane's workers (bench/test/leftovers.ts).
      { extends: true, test: { name: 'cli', include: CLI_LANE, fileParallelism: false, env: { SAGABENCH_TEST_LANE: 'cli' } } },
      // One worker for all of `core`'s files: isolated, each of its 70 files paid a fresh process and
      // a fresh import of the AWS SDK, Temporal client and CDK graphs (README, "Where the test
      // suite's time goes"). Its files leave no state behind: the env they set and the spies,
      // fake timers and exit code they use are restored in the file.
      {
        extends: true,
        test: {
          name: 'core',
          include: ALL,
          exclude: CLI_LANE,
          fileParallelism: false,
          isolate: false,
          env: { SAGABENCH_TEST_LANE: 'core' },
        },
      },
    ],
  },
});
