import { defineConfig } from 'vitest/config';

/**
 * Two lanes, each one file at a time on a substrate of its own, which `npm test` runs side by side
 * (two vitest processes, see package.json). The files of a lane share its emulator, so a second file
 * in the same lane would only queue behind it; but the slowest files mostly wait (for the fault
 * matrix's visibility and activity timeouts, for CLIs and engines to start and stop), and the other
 * lane uses those waits. The `cli` lane holds the files that run whole `sagabench` commands;
 * `core` everything else, about half the time each.
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
];
const ALL = ['{choreography,orchestration,shared,bench,infra}/**/*.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['shared/engines/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      // A lane's processes carry its name in their environment, so a leftover-process check in one
      // lane never counts the other lane's workers (bench/test/leftovers.ts).
      { extends: true, test: { name: 'cli', include: CLI_LANE, fileParallelism: false, env: { SAGABENCH_TEST_LANE: 'cli' } } },
      {
        extends: true,
        test: { name: 'core', include: ALL, exclude: CLI_LANE, fileParallelism: false, env: { SAGABENCH_TEST_LANE: 'core' } },
      },
    ],
  },
});
