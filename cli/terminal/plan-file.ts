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
  printPlanWarnings(command, planWarnings(plan));
  return plan;
}

/** Each warning on its own stderr line, control characters escaped (a plan's text is untrusted). */
export function printPlanWarnings(command: string, warnings: string[]): void {
  for (const warning of warnings) console.error(`drctl ${command}: warning: ${safeMessage(warning)}`);
}

/** The options of a command that reads a plan and can answer in JSON (validate, readiness). */
export const PLAN_REPORT_OPTIONS = {
  plan: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
