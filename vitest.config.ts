import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The CDK template tests share their worker processes (`isolate: false`): each fresh process
 * pays ~5 s of CPU to load aws-cdk-lib and the infra code and to warm up the first synth, and
 * nothing in them outlives a file (they build their own apps, mock nothing and start no world).
 * The bundling test imports the real bundles, which read process.env at load: it keeps its own
 * process. Unit files share their worker threads, and the integration and e2e tests (the world,
 * spawned CLIs, Chromium) their forked processes, unless they leave state behind (LEAVES_STATE).
 */
const SHARED_PROCESS_INFRA = ['tests/infra/**/*.test.ts'];
const OWN_PROCESS_INFRA = ['tests/infra/bundling.test.ts'];
const UNIT = ['tests/unit/**/*.test.ts'];

/**
 * Test files that change what outlives them in a worker: aws-sdk-client-mock (it stubs the client
 * classes' `send`, for every instance, until restored), module mocks, process.env, fake timers or
 * globals, process listeners, or a handler module, which reads its environment once when first
 * imported (a second file in the same worker would get the first one's module). A file that does
 * one of these things, itself or in a test helper it imports, gets a worker of its own; every
 * other unit and integration file shares its worker with the files before it, which saves each
 * one re-importing the same modules (see docs/performance.md, "The test suite"). State left
 * behind some other way needs a pattern here. A world leaves nothing behind when it closes: it
 * restores process.env and the global Date, each world imports fresh handler modules, and a
 * call that a closed world's invocation still makes is refused by the next world
 * (local/stepfunctions/invocation-marks.ts).
 */
const LEAVES_STATE =
  /mockClient\(|vi\.(mock|doMock|stubEnv|stubGlobal|useFakeTimers|setSystemTime)\(|process\.env(\.\w+|\[[^\]]+\])\s*=(?!=)|delete process\.env|\/handler\.ts['"]|process\.on\(/;

/** Each file's source, so a helper that many files import is read once. */
const sources = new Map<string, string>();
const sourceOf = (file: string): string => {
  const known = sources.get(file);
  if (known !== undefined) return known;
  const source = readFileSync(file, 'utf8');
  sources.set(file, source);
  return source;
};

/** Whether a test file, or a test helper it imports (tests/**), leaves state behind. */
function leavesState(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  const source = sourceOf(file);
  if (LEAVES_STATE.test(source)) return true;
  const helpers = [...source.matchAll(/from '(\.[^']+\.ts)'/g)]
    .map((match) => join(dirname(file), match[1] ?? ''))
    .filter((helper) => helper.startsWith('tests/'));
  return helpers.some((helper) => leavesState(helper, seen));
}

function leavingState(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => join(dir, file))
    .filter((file) => leavesState(file));
}

const UNIT_OWN_WORKER = leavingState('tests/unit');
const INTEGRATION = ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'];
const INTEGRATION_OWN_PROCESS = [...leavingState('tests/integration'), ...leavingState('tests/e2e')];

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
        test: { name: 'tests', include: INTEGRATION, exclude: INTEGRATION_OWN_PROCESS, isolate: false },
      },
      { extends: true, test: { name: 'tests-own-process', include: INTEGRATION_OWN_PROCESS } },
      { extends: true, test: { name: 'bundling', include: OWN_PROCESS_INFRA } },
    ],
  },
});
