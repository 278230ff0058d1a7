import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lambdaAssetFiles } from '../../infra/lambda/asset-files.ts';
import { LAMBDA_BASE_ENVIRONMENT } from '../../infra/lambda/bundle-options.ts';
import { evidenceBucketName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { progress } from '../lib/log.ts';
import { roundTo, type Sample, summarize } from '../lib/stats.ts';
import { projectNode, timedRun } from '../lib/timed-process.ts';
import { type BuiltBundle, bundleLikeCdk } from './bundle.ts';
import { type DeployedBundle, deployedBundles, referencePlan } from './deployed-bundles.ts';

const HELLO_WORLD = 'hello-world';
const ACCOUNT = '111111111111';

export interface BundleStartup {
  sizeKB: number;
  gzipKB: number;
  /** Spawn to exit of a fresh Node process that imports the bundle: what a cold start pays. */
  processMs: Sample;
  /** The `require()` of the bundle alone, timed inside that process: the bundle's own share. */
  importMs: Sample;
  /**
   * The process's CPU time (user + system) from its start to the end of the import: what the
   * start-up costs in work, which a loaded machine inflates far less than the wall time.
   * Information only; the ratio judged is of processMs. Absent in results from before 2026-12-02.
   */
  cpuMs?: Sample;
  /** cpuMs median / hello world's cpuMs median. */
  cpuRatioToHelloWorld?: number;
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
  helloWorld: Omit<BundleStartup, 'ratioToHelloWorld' | 'cpuRatioToHelloWorld'>;
  functions: Record<string, BundleStartup | { error: string }>;
}

/**
 * Loads the bundle as Lambda's runtime loads an `index.cjs` (`require()`, see
 * infra/lambda/bundle-options.ts BUNDLE_FILE) and prints how long that took and the process's CPU
 * time so far. Evaluated with -e so no extra module is loaded around the bundle; the same probe
 * times every bundle.
 */
const PROBE =
  'const t=performance.now();require(process.argv[1]);const i=performance.now()-t;const c=process.cpuUsage();process.stdout.write(i+" "+(c.user+c.system)/1000);';

/**
 * What Lambda and the CDK construct give a function: the construct's environment
 * (infra/lambda/bundle-options.ts LAMBDA_BASE_ENVIRONMENT: the bundled plan.json, no source-map
 * flag), LAMBDA_TASK_ROOT at the bundle's folder, the region and the execution role's
 * credentials as the runtime sets them, and the variables some functions read at import (as
 * their constructs set them). A small fixed environment keeps runs comparable whatever npm or
 * the shell exported.
 */
function functionEnvironment(plan: Plan, bundle: BuiltBundle): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...LAMBDA_BASE_ENVIRONMENT,
    LAMBDA_TASK_ROOT: dirname(bundle.file),
    AWS_REGION: plan.regions.dr,
    AWS_ACCESS_KEY_ID: 'ASIABENCH0000000000',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key',
    AWS_SESSION_TOKEN: 'bench-session-token',
    DRCTL_TOPIC_ARN: `arn:aws:sns:${plan.regions.dr}:${ACCOUNT}:${plan.notifications.topicName}`,
    DRCTL_EVIDENCE_BUCKET: evidenceBucketName(plan, ACCOUNT),
    DRCTL_EVIDENCE_KMS_KEY_ID: `arn:aws:kms:${plan.regions.dr}:${ACCOUNT}:key/0b9e1f3a-6d2c-4a51-9f0e-2b7c8d4e5f60`,
  };
}

async function importOnce(
  node: string,
  bundle: BuiltBundle,
  plan: Plan,
): Promise<{ processMs: number; importMs: number; cpuMs: number }> {
  const run = await timedRun(node, ['-e', PROBE, bundle.file], {
    env: functionEnvironment(plan, bundle),
    timeoutMs: 30_000,
  });
  const [importMs, cpuMs] = run.stdout.trim().split(' ').map(Number) as [number, number];
  if (run.exitCode !== 0 || !Number.isFinite(importMs) || !Number.isFinite(cpuMs)) {
    const why = run.timedOut ? 'timed out' : `exit ${run.exitCode}`;
    throw new Error(
      `importing ${bundle.name} failed (${why}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  return { processMs: run.wallMs, importMs, cpuMs };
}

export async function measureStartup(options: { runs: number; outDir: string }): Promise<StartupFigure> {
  const node = projectNode();
  const bundleDir = join(options.outDir, 'bundles');
  rmSync(bundleDir, { recursive: true, force: true });
  mkdirSync(bundleDir, { recursive: true });

  const plan = referencePlan();
  const bundles = deployedBundles();
  progress(`startup: bundling the ${bundles.length} functions CDK deploys, as CDK does`);
  const hello = await bundleLikeCdk(
    HELLO_WORLD,
    join(import.meta.dirname, 'hello-world', 'handler.ts'),
    bundleDir,
  );
  const built = new Map<string, BuiltBundle | Error>();
  const withRuntimeSdk = new Map<string, number>();
  for (const deployed of bundles) {
    try {
      built.set(deployed.name, await bundleWithPlan(deployed, bundleDir, plan));
      const lean = await bundleLikeCdk(`${deployed.name}-runtime-sdk`, deployed.entry, bundleDir, [
        ...deployed.external,
        '@aws-sdk/*',
      ]);
      withRuntimeSdk.set(deployed.name, roundTo(lean.bytes / 1024, 1));
    } catch (error) {
      built.set(deployed.name, error as Error);
    }
  }

  // One import per bundle first: it warms the file cache and rejects a bundle that cannot load.
  const candidates: BuiltBundle[] = [hello];
  for (const [name, bundle] of built) {
    if (bundle instanceof Error) continue;
    try {
      await importOnce(node, bundle, plan);
      candidates.push(bundle);
    } catch (error) {
      built.set(name, error as Error);
    }
  }
  await importOnce(node, hello, plan);

  progress(`startup: ${options.runs} fresh-process imports of each of ${candidates.length} bundles`);
  const samples = new Map(
    candidates.map((bundle) => [
      bundle.name,
      { processMs: [] as number[], importMs: [] as number[], cpuMs: [] as number[] },
    ]),
  );
  // Round-robin, so a slow moment of the machine lands on every bundle alike.
  for (let round = 0; round < options.runs; round++) {
    for (const bundle of candidates) {
      const timing = await importOnce(node, bundle, plan);
      const sample = samples.get(bundle.name);
      sample?.processMs.push(timing.processMs);
      sample?.importMs.push(timing.importMs);
      sample?.cpuMs.push(timing.cpuMs);
    }
  }

  const describe = (bundle: BuiltBundle) => {
    const sample = samples.get(bundle.name) ?? { processMs: [], importMs: [], cpuMs: [] };
    return {
      sizeKB: roundTo(bundle.bytes / 1024, 1),
      gzipKB: roundTo(bundle.gzipBytes / 1024, 1),
      processMs: summarize(sample.processMs),
      importMs: summarize(sample.importMs),
      cpuMs: summarize(sample.cpuMs),
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
      cpuRatioToHelloWorld: roundTo(figures.cpuMs.median / helloWorld.cpuMs.median, 2),
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

/**
 * The bundle and the files beside it (the validated plan as JSON, the RDS certificate
 * authorities), laid out by the helper the CDK constructs use (infra/lambda/asset-files.ts).
 */
async function bundleWithPlan(deployed: DeployedBundle, outDir: string, plan: Plan): Promise<BuiltBundle> {
  const bundle = await bundleLikeCdk(deployed.name, deployed.entry, outDir, deployed.external);
  const files = lambdaAssetFiles(deployed.name, deployed.carriesPlan ? plan : null);
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(dirname(bundle.file), name), content);
  return bundle;
}
