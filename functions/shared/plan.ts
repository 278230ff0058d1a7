import { isAbsolute, resolve } from 'node:path';
import { readDeployedPlan } from '../../plan/deployed-plan.ts';
import type { Plan } from '../../plan/schema.ts';
import { requireEnv } from './env.ts';

/**
 * The deploy-time plan a function acts on: the JSON CDK validated at synth and bundled next to
 * the handler (DRCTL_PLAN_FILE=plan.json); the local world points the variable at the JSON of
 * the plan it was validated from. It is read without YAML or the plan schema (plan/deployed-plan.ts):
 * validating it again at every cold start would cost more than half the bundle.
 * A relative path is resolved from LAMBDA_TASK_ROOT (the bundle) or the working directory.
 */
export function loadDeployedPlan(env: NodeJS.ProcessEnv = process.env): Plan {
  const { DRCTL_PLAN_FILE } = requireEnv(['DRCTL_PLAN_FILE'], env);
  const path = isAbsolute(DRCTL_PLAN_FILE)
    ? DRCTL_PLAN_FILE
    : resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), DRCTL_PLAN_FILE);
  const source =
    path === DRCTL_PLAN_FILE ? `DRCTL_PLAN_FILE=${path}` : `DRCTL_PLAN_FILE=${DRCTL_PLAN_FILE} (${path})`;
  return readDeployedPlan(path, source);
}
