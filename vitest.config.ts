import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    environment: 'node',
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: on CI's 2 cores that is one file at a
    // time. Two forks keep both cores busy; the world's tests are CPU-bound, so more would only queue.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
