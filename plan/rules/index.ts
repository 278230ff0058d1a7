import type { Plan } from '../schema.ts';
import { alarmWindowProblems } from './alarm-window.ts';
import { certificateProblems } from './certificates.ts';
import { databaseIdentifierProblems } from './database-identifiers.ts';
import { engineVersionProblems } from './engine-version.ts';
import { executionHistoryProblems } from './execution-history.ts';
import { healthUrlProblems } from './health-urls.ts';
import { instanceClassProblems } from './instance-class.ts';
import { notificationEmailProblems } from './notification-emails.ts';
import type { PlanProblem, PlanRule } from './problem.ts';
import { publicRecordProblems } from './public-record.ts';
import { regionalTargetProblems } from './regional-targets.ts';
import { regionProblems } from './regions.ts';
import { serviceNameProblems } from './service-names.ts';
import { stackSizeProblems } from './stack-size.ts';
import { vpcCidrProblems } from './vpc-cidrs.ts';

export type { PlanProblem, PlanRule } from './problem.ts';

/**
 * What AWS would refuse in a plan whose shape is valid, checked by parsePlan after the schema
 * so that every caller (CLI, CDK app, functions, local world) refuses the same plans, before
 * anything is deployed or run. One rule per file; the order is the order of the report.
 */
export const PLAN_RULES: readonly PlanRule[] = [
  regionProblems,
  publicRecordProblems,
  regionalTargetProblems,
  healthUrlProblems,
  certificateProblems,
  databaseIdentifierProblems,
  instanceClassProblems,
  engineVersionProblems,
  serviceNameProblems,
  alarmWindowProblems,
  notificationEmailProblems,
  vpcCidrProblems,
  stackSizeProblems,
  executionHistoryProblems,
];

export function checkPlanRules(plan: Plan): PlanProblem[] {
  return PLAN_RULES.flatMap((rule) => rule(plan));
}
