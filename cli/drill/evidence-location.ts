import { evidenceBucketName, evidenceKey } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { RunReport } from '../../report/schema.ts';

/**
 * Where the evidence function keeps an AWS run's report: the plan's evidence bucket (account and
 * region from the execution's ARN), under runs/<state machine>/<yyyy>/<mm>/<execution>.json. The
 * function writes it when the execution ends (an EventBridge status change), not drctl: the line
 * says where to find it and how to chart the runs beside it. Null for the local world.
 */
export function evidenceLine(plan: Plan, report: RunReport): string | null {
  if (report.target !== 'aws' || report.execution.status === 'RUNNING') return null;
  const [, , , region, account, , machine] = report.execution.arn.split(':');
  if (!account || !machine || region !== plan.regions.dr) return null;
  const bucket = evidenceBucketName(plan, account);
  const key = evidenceKey(machine, report.execution.name, new Date(report.execution.startedAt), 'json');
  return `  evidence   s3://${bucket}/${key} (written by the evidence function when the execution ended; drctl report --history s3://${bucket}/runs/${machine}/ charts the runs)`;
}
