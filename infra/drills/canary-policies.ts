import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { canarySecretName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { drillCopyArns } from '../config/drill-arns.ts';
import { primaryDbArns } from '../config/plan-arns.ts';
import { accountOf } from '../config/plan-environment.ts';

export type CanaryRole = 'writer' | 'reader';

/**
 * The write canary's statements besides its secrets: where the instances it connects to are
 * (DescribeDBInstances gives the endpoint). The writer knows only the plan's primaries, the
 * reader only the drill copies: neither can find, let alone reach, anything else.
 */
export function canaryInstanceStatements(plan: Plan, role: CanaryRole): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: role === 'writer' ? 'FindPlanPrimaries' : 'FindDrillCopies',
      actions: ['rds:DescribeDBInstances'],
      resources: role === 'writer' ? primaryDbArns(plan) : drillCopyArns(plan),
    }),
  ];
}

/**
 * The reader's credentials: the Secrets Manager replicas of the canary secrets in the DR region
 * (same names; a replica's ARN ends in the primary's random six characters, unknown here).
 * Encrypted with the AWS managed key aws/secretsmanager, which Secrets Manager uses on the
 * caller's behalf: no KMS grant is needed.
 */
export function canaryReaderSecretStatements(plan: Plan): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: 'ReadCanarySecretReplicas',
      actions: ['secretsmanager:GetSecretValue'],
      resources: plan.databases.map(
        (db) =>
          `arn:aws:secretsmanager:${plan.regions.dr}:${accountOf(plan)}:secret:${canarySecretName(plan, db.id)}-??????`,
      ),
    }),
  ];
}
