import { isAbsolute, resolve } from 'node:path';
import { loadPlanFile } from '../../plan/load.ts';
import type { Plan } from '../../plan/schema.ts';
import { requireEnv } from './env.ts';

/**
 * The deploy-time plan a function acts on. CDK bundles it next to the handler and sets
 * DRCTL_PLAN_FILE; the local world points the variable at the plan it was seeded from.
 * A relative path is resolved from LAMBDA_TASK_ROOT (the bundle) or the working directory.
 */
export function loadDeployedPlan(env: NodeJS.ProcessEnv = process.env): Plan {
  const { DRCTL_PLAN_FILE } = requireEnv(['DRCTL_PLAN_FILE'], env);
  const path = isAbsolute(DRCTL_PLAN_FILE)
    ? DRCTL_PLAN_FILE
    : resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), DRCTL_PLAN_FILE);
  return loadPlanFile(path);
}
