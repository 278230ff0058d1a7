import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { BUNDLE_FILE, lambdaBuildOptions } from './bundle-options.ts';

export interface BundleOptions {
  /** The handler module (functions/<name>/handler.ts). */
  entry: string;
  /** The directory the asset is fingerprinted from when bundling is skipped (the function's folder). */
  sourceDir: string;
  /** Extra files written next to the bundle: name -> content. */
  extraFiles: Record<string, string>;
  /** Modules left out of the bundle (optional native add-ons a dependency probes for). */
  external?: string[];
}

/** Lambda loads `index.cjs` (bundle-options.ts BUNDLE_FILE) and calls its `handler` export. */
export const BUNDLE_HANDLER = 'index.handler';

/**
 * A minified CommonJS bundle built with esbuild's API inside the synth process: no child process per
 * function (NodejsFunction spawns npx for each), which keeps `cdk synth` fast. The options
 * (bundle-options.ts) are the ones bench figure 4 measures. There is no Docker fallback: esbuild
 * is a dependency of this repository.
 */
export function esbuildCode(options: BundleOptions): Code {
  return Code.fromAsset(options.sourceDir, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('unused-local-bundling-only'),
      local: {
        tryBundle(outputDir: string): boolean {
          const result = buildSync(
            lambdaBuildOptions({
              entry: options.entry,
              outfile: join(outputDir, BUNDLE_FILE),
              external: options.external ?? [],
            }),
          );
          if (result.errors.length > 0) return false;
          for (const [name, content] of Object.entries(options.extraFiles)) {
            writeFileSync(join(outputDir, name), content);
          }
          return true;
        },
      },
    },
  });
}
