import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { progress } from '../lib/log.ts';
import { roundTo, type Sample, summarize } from '../lib/stats.ts';
import { projectNode, REPO_ROOT, timedRun } from '../lib/timed-process.ts';
import { type BuiltBundle, bundleLikeCdk } from './bundle.ts';

export const FUNCTION_NAMES = [
  'health-monitor',
  'promote-replica',
  'scale-service',
  'update-dns',
  'notify',
] as const;
const HELLO_WORLD = 'hello-world';

export interface BundleStartup {
  sizeKB: number;
  gzipKB: number;
  /** Spawn to exit of a fresh Node process that imports the bundle: what a cold start pays. */
  processMs: Sample;
  /** The `import()` alone, timed inside that process: the bundle's own share. */
  importMs: Sample;
  /** processMs median / hello world's processMs median, measured in the same run. */
  ratioToHelloWorld: number;
  /**
   * The size NodejsFunction's default for nodejs24.x would give (`@aws-sdk/*` left to the
   * runtime): for comparison only, drctl bundles the SDK it was tested with.
   */
  sizeKBWithRuntimeSdk?: number;
  largestInputs: BuiltBundle['largestInputs'];
}

export interface StartupFigure {
  node: string;
  runsPerBundle: number;
  helloWorld: Omit<BundleStartup, 'ratioToHelloWorld'>;
  functions: Record<string, BundleStartup | { error: string }>;
}

/**
 * Imports the bundle given as a file URL and prints how long the import took. Evaluated with -e so
 * no extra module is loaded around the bundle; the same probe times every bundle.
 */
const PROBE =
  'const t=performance.now();await import(process.argv[1]);process.stdout.write(String(performance.now()-t));';

/**
 * What the Lambda configuration gives the functions (infra/lambda/dr-function.ts), plus the two
 * variables the handlers read at import. A small fixed environment keeps runs comparable whatever
 * npm or the shell exported.
 */
function functionEnvironment(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    AWS_REGION: 'us-west-2',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    DRCTL_PLAN_FILE: join(REPO_ROOT, 'drctl.plan.yaml'),
    DRCTL_TOPIC_ARN: 'arn:aws:sns:us-west-2:111111111111:shop-dr-events',
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}

async function importOnce(
  node: string,
  bundle: BuiltBundle,
): Promise<{ processMs: number; importMs: number }> {
  const run = await timedRun(node, ['--input-type=module', '-e', PROBE, pathToFileURL(bundle.file).href], {
    env: functionEnvironment(),
    timeoutMs: 30_000,
  });
  const importMs = Number(run.stdout);
  if (run.exitCode !== 0 || !Number.isFinite(importMs)) {
    const why = run.timedOut ? 'timed out' : `exit ${run.exitCode}`;
    throw new Error(
      `importing ${bundle.name} failed (${why}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  return { processMs: run.wallMs, importMs };
}

export async function measureStartup(options: { runs: number; outDir: string }): Promise<StartupFigure> {
  const node = projectNode();
  const bundleDir = join(options.outDir, 'bundles');
  rmSync(bundleDir, { recursive: true, force: true });
  mkdirSync(bundleDir, { recursive: true });

  progress('startup: bundling the functions as CDK does');
  const hello = await bundleLikeCdk(
    HELLO_WORLD,
    join(import.meta.dirname, 'hello-world', 'handler.ts'),
    bundleDir,
  );
  const built = new Map<string, BuiltBundle | Error>();
  const withRuntimeSdk = new Map<string, number>();
  for (const name of FUNCTION_NAMES) {
    const entry = join(REPO_ROOT, 'functions', name, 'handler.ts');
    try {
      built.set(name, await bundleLikeCdk(name, entry, bundleDir));
      const lean = await bundleLikeCdk(`${name}-runtime-sdk`, entry, bundleDir, ['@aws-sdk/*']);
      withRuntimeSdk.set(name, roundTo(lean.bytes / 1024, 1));
    } catch (error) {
      built.set(name, error as Error);
    }
  }

  // One import per bundle first: it warms the file cache and rejects a bundle that cannot load.
  const candidates: BuiltBundle[] = [hello];
  for (const [name, bundle] of built) {
    if (bundle instanceof Error) continue;
    try {
      await importOnce(node, bundle);
      candidates.push(bundle);
    } catch (error) {
      built.set(name, error as Error);
    }
  }
  await importOnce(node, hello);

  progress(`startup: ${options.runs} fresh-process imports of each of ${candidates.length} bundles`);
  const samples = new Map(
    candidates.map((bundle) => [bundle.name, { processMs: [] as number[], importMs: [] as number[] }]),
  );
  // Round-robin, so a slow moment of the machine lands on every bundle alike.
  for (let round = 0; round < options.runs; round++) {
    for (const bundle of candidates) {
      const timing = await importOnce(node, bundle);
      const sample = samples.get(bundle.name);
      sample?.processMs.push(timing.processMs);
      sample?.importMs.push(timing.importMs);
    }
  }

  const describe = (bundle: BuiltBundle) => {
    const sample = samples.get(bundle.name) ?? { processMs: [], importMs: [] };
    return {
      sizeKB: roundTo(bundle.bytes / 1024, 1),
      gzipKB: roundTo(bundle.gzipBytes / 1024, 1),
      processMs: summarize(sample.processMs),
      importMs: summarize(sample.importMs),
      largestInputs: bundle.largestInputs,
    };
  };
  const helloWorld = describe(hello);
  const functions: StartupFigure['functions'] = {};
  for (const [name, bundle] of built) {
    if (bundle instanceof Error) {
      functions[name] = { error: bundle.message };
      continue;
    }
    const figures = describe(bundle);
    const leanKB = withRuntimeSdk.get(name);
    functions[name] = {
      ...figures,
      ratioToHelloWorld: roundTo(figures.processMs.median / helloWorld.processMs.median, 2),
      ...(leanKB === undefined ? {} : { sizeKBWithRuntimeSdk: leanKB }),
    };
  }
  return {
    node: (await timedRun(node, ['--version'])).stdout.trim(),
    runsPerBundle: options.runs,
    helloWorld,
    functions,
  };
}
