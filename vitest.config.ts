import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{choreography,orchestration,shared,bench,infra}/**/*.test.ts'],
    globalSetup: ['shared/engines/test/global-setup.ts'],
    // Two cores, and one emulator shared by every file: a second worker only queues behind it.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
