import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

/**
 * The esbuild options CDK's NodejsFunction passes for a drctl function (infra/lambda/dr-function.ts:
 * ESM, minified, target node24, external source map without sources, every module bundled — the
 * AWS SDK included, overriding NodejsFunction's default of leaving `@aws-sdk/*` to the runtime —
 * main fields module,main, and the createRequire banner). Keep the two in step.
 */
export const CDK_BUNDLE_BANNER =
  "import{createRequire as __drctlCreateRequire}from'node:module';const require=__drctlCreateRequire(import.meta.url);";

export interface BuiltBundle {
  name: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  /** The largest contributors to the bundle, by package (or first-party folder). */
  largestInputs: { input: string; bytes: number }[];
}

export async function bundleLikeCdk(
  name: string,
  entry: string,
  outDir: string,
  external: string[] = [],
): Promise<BuiltBundle> {
  // NodejsFunction names an ESM bundle index.mjs.
  const file = join(outDir, name, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    outfile: file,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external,
    mainFields: ['module', 'main'],
    banner: { js: CDK_BUNDLE_BANNER },
    metafile: true,
    logLevel: 'error',
  });
  return {
    name,
    file,
    bytes: statSync(file).size,
    gzipBytes: gzipSync(readFileSync(file)).length,
    largestInputs: largestInputs(result.metafile, 5),
  };
}

/** Groups a bundle's bytes by npm package (node_modules/<pkg>) or by first-party top folder. */
export function largestInputs(metafile: Metafile, count: number): { input: string; bytes: number }[] {
  const byGroup = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const group = inputGroup(input);
      byGroup.set(group, (byGroup.get(group) ?? 0) + bytesInOutput);
    }
  }
  return [...byGroup.entries()]
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

export function inputGroup(input: string): string {
  const marker = 'node_modules/';
  const at = input.lastIndexOf(marker);
  if (at === -1) return input.split('/')[0] ?? input;
  const parts = input.slice(at + marker.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
}
