import type { Environment } from 'aws-cdk-lib';
import { ROUTE53_METRICS_REGION } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * Synth must work offline with no credentials, so every stack gets an explicit environment.
 * When the plan names no account, this documented placeholder is used: the templates are
 * complete, but deploying them needs `deployment.account` set in the plan.
 */
export const PLACEHOLDER_ACCOUNT = '000000000000';

export { ROUTE53_METRICS_REGION } from '../../plan/names.ts';

export type RegionRole = 'primary' | 'dr';

export function accountOf(plan: Plan): string {
  return plan.deployment?.account ?? PLACEHOLDER_ACCOUNT;
}

export function environmentOf(plan: Plan, role: RegionRole): Required<Environment> {
  return { account: accountOf(plan), region: plan.regions[role] };
}

export function globalEnvironmentOf(plan: Plan): Required<Environment> {
  return { account: accountOf(plan), region: ROUTE53_METRICS_REGION };
}
