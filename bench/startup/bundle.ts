import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_FILE, lambdaBuildOptions } from '../../infra/lambda/bundle-options.ts';

/**
 * Builds a bundle exactly as CDK does for a drctl function: the same options object
 * (infra/lambda/bundle-options.ts: CommonJS index.cjs, minified, node24, external source map without
 * sources, the createRequire banner, the Lambda aliases, every module bundled — the AWS SDK
 * included), plus esbuild's metafile to say what the bytes are.
 */
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
  external: readonly string[] = [],
): Promise<BuiltBundle> {
  const file = join(outDir, name, BUNDLE_FILE);
  const result = await build({ ...lambdaBuildOptions({ entry, outfile: file, external }), metafile: true });
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
