import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlanFile } from '../../plan/load.ts';
import type { Plan } from '../../plan/schema.ts';
import { REPO_ROOT } from '../lib/timed-process.ts';

/** One Lambda bundle CDK builds (infra/lambda/esbuild-bundle.ts esbuildCode). */
export interface DeployedBundle {
  name: string;
  entry: string;
  external: readonly string[];
  /** The validated plan is written beside it as plan.json (every drctl function; not the user setup). */
  carriesPlan: boolean;
}

/**
 * Every bundle the CDK app deploys: each drctl function (DrFunction bundles
 * `functions/<name>/handler.ts`, one per folder but shared/) and the deploy-time database user
 * setup (infra/application/database-users.ts: infra/custom-resources/database-users, with
 * pg-native left out and no plan beside it, as it is there).
 */
export function deployedBundles(): DeployedBundle[] {
  const functionsDir = join(REPO_ROOT, 'functions');
  const functions = readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(functionsDir, entry.name, 'handler.ts')))
    .map((entry) => ({
      name: entry.name,
      entry: join(functionsDir, entry.name, 'handler.ts'),
      external: [],
      carriesPlan: true,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return [
    ...functions,
    {
      name: 'database-users',
      entry: join(REPO_ROOT, 'infra', 'custom-resources', 'database-users', 'handler.ts'),
      external: ['pg-native'],
      carriesPlan: false,
    },
  ];
}

/** The reference plan, validated as `cdk synth` validates it before bundling it as plan.json. */
export function referencePlan(): Plan {
  return loadPlanFile(join(REPO_ROOT, 'drctl.plan.yaml'));
}
