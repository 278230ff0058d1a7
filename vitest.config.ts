import { defineConfig } from 'vitest/config';

/**
 * The CDK template tests share their worker processes (`isolate: false`): each fresh process
 * pays ~5 s of CPU to load aws-cdk-lib and the infra code and to warm up the first synth, and
 * nothing in them outlives a file (they build their own apps, mock nothing and start no world).
 * The bundling test imports the real bundles, which read process.env at load: it keeps its own
 * process, as does every other test file (mocked AWS clients, the world's global Date, process.env).
 * The integration and e2e tests (the world, spawned CLIs, Chromium) stay in forked processes.
 */
const SHARED_PROCESS_INFRA = ['tests/infra/**/*.test.ts'];
const OWN_PROCESS_INFRA = ['tests/infra/bundling.test.ts'];
const UNIT = ['tests/unit/**/*.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['tests/global-setup.ts'],
    environment: 'node',
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: on CI's 2 cores that is one file at a
    // time. Three on two cores, because a third of the integration files' wall time is spent
    // waiting (on the drctl processes the CLI tests spawn, on the AWS CLI, on Chromium): with
    // per-file CPU measured in process, the integration files used 162 s of CPU in 413 s of wall
    // time. Whole suite, same machine, minutes apart: 2 workers 339-353 s, 3 workers 310 s,
    // 4 workers 327 s (more CPU lost to contention: 606 s against 546 s).
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'infra', include: SHARED_PROCESS_INFRA, exclude: OWN_PROCESS_INFRA, isolate: false },
      },
      // Unit tests run in worker threads: a thread starts for less CPU than a forked process
      // (tests/unit: 145 s -> 91 s of CPU), and each file still gets its own (isolated) worker.
      { extends: true, test: { name: 'unit', include: UNIT, pool: 'threads' } },
      {
        extends: true,
        test: { name: 'tests', include: ['tests/**/*.test.ts'], exclude: [...SHARED_PROCESS_INFRA, ...UNIT] },
      },
      { extends: true, test: { name: 'bundling', include: OWN_PROCESS_INFRA } },
    ],
  },
});
