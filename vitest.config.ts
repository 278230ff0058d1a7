import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The CDK template tests share their worker processes (`isolate: false`): each fresh process
 * pays ~5 s of CPU to load aws-cdk-lib and the infra code and to warm up the first synth, and
 * nothing in them outlives a file (they build their own apps, mock nothing and start no world).
 * The bundling test imports the real bundles, which read process.env at load: it keeps its own
 * process. Unit files share their worker threads unless they leave state behind (UNIT_OWN_WORKER).
 * The integration and e2e tests (the world, spawned CLIs, Chromium) stay in forked processes, one
 * per file: the world replaces the global Date and process.env.
 */
const SHARED_PROCESS_INFRA = ['tests/infra/**/*.test.ts'];
const OWN_PROCESS_INFRA = ['tests/infra/bundling.test.ts'];
const UNIT = ['tests/unit/**/*.test.ts'];

/**
 * Unit test files that change what outlives them in a worker: module mocks, process.env, fake
 * timers or globals, process listeners, or a handler module, which reads its environment once
 * when first imported (a second file in the same worker would get the first one's module). They
 * get a worker of their own; every other unit file shares its worker with the files before it,
 * which saves each one re-importing the same modules (tests/unit: 90 s -> 34 s of CPU, 51 s ->
 * 22 s of wall time on 3 workers). A new unit file that does one of these things is isolated by
 * this rule on its own; one that leaves other state behind belongs in UNIT_OWN_WORKER by name.
 */
const LEAVES_STATE =
  /vi\.(mock|doMock|stubEnv|stubGlobal|useFakeTimers|setSystemTime)\(|process\.env(\.\w+|\[[^\]]+\])\s*=(?!=)|delete process\.env|\/handler\.ts['"]|process\.on\(/;
const UNIT_OWN_WORKER = readdirSync('tests/unit', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => join('tests/unit', file))
  .filter((file) => LEAVES_STATE.test(readFileSync(file, 'utf8')));

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
      // (tests/unit: 145 s -> 91 s of CPU); those that leave state behind in their own (isolated) worker.
      {
        extends: true,
        test: { name: 'unit', include: UNIT, exclude: UNIT_OWN_WORKER, pool: 'threads', isolate: false },
      },
      { extends: true, test: { name: 'unit-own-worker', include: UNIT_OWN_WORKER, pool: 'threads' } },
      {
        extends: true,
        test: { name: 'tests', include: ['tests/**/*.test.ts'], exclude: [...SHARED_PROCESS_INFRA, ...UNIT] },
      },
      { extends: true, test: { name: 'bundling', include: OWN_PROCESS_INFRA } },
    ],
  },
});
