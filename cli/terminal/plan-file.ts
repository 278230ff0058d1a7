import { loadPlanFile } from '../../plan/load.ts';
import type { Plan } from '../../plan/schema.ts';
import { planWarnings } from '../../plan/warnings.ts';
import { safeMessage } from './safe-text.ts';

export const DEFAULT_PLAN_FILE = 'drctl.plan.yaml';

/**
 * Loads the plan a command acts on and prints its warnings (plan/warnings.ts) to stderr: what a
 * valid plan allows that the operator should know before trusting a run of it.
 */
export function loadCommandPlan(command: string, path: string = DEFAULT_PLAN_FILE): Plan {
  const plan = loadPlanFile(path);
  for (const warning of planWarnings(plan))
    console.error(`drctl ${command}: warning: ${safeMessage(warning)}`);
  return plan;
}
