import { createHash } from 'node:crypto';
import {
  drillGateAlarmName,
  drillGateMetric,
  drillRecordName,
  evidenceBucketName,
  GATE_ALARM_PERIOD_SECONDS,
} from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { CloudWatchModel } from '../cloudwatch/model.ts';
import { drillGateHealthCheckId, drillGateHealthCheckName } from '../route53/gate.ts';
import type { HealthChecks } from '../route53/health-checks.ts';
import type { S3Model } from '../s3/model.ts';

/**
 * What the CDK app deploys for drills, as the world starts with it (names from plan/names.ts):
 * - the drill gate: alarm `<plan>-drill-gate-closed` in the DR region over drctl/drill
 *   DrillTrafficGate {Plan}, with the public gate's settings (Minimum < 1, one standard-resolution
 *   minute, 1 of 1, missing data ignored), and its CLOUDWATCH_METRIC health check
 *   (InsufficientDataHealthStatus LastKnownStatus) that the drill name's PRIMARY record carries
 *   (the records themselves: route53/records.ts). Opening and closing it is PutMetricData on the
 *   drill metric; nothing here touches the public record or its gate;
 * - the evidence bucket `evidenceBucketName(plan, account)` in the DR region: versioned, SSE-KMS
 *   with its own key (bucket key on), public access blocked. Its lifecycle rule (expiry after
 *   drills.evidence.retentionDays) and its TLS-only policy are not run by the world (see
 *   docs/local-world.md).
 */
export function deployDrillResources(
  plan: Plan,
  account: string,
  parts: { cloudWatch: CloudWatchModel; healthChecks: HealthChecks; s3: S3Model },
): void {
  const { cloudWatch, healthChecks, s3 } = parts;
  const metric = drillGateMetric(plan);
  cloudWatch.putAlarm({
    actionsEnabled: true,
    alarmActions: [],
    okActions: [],
    threshold: 1,
    name: drillGateAlarmName(plan),
    region: plan.regions.dr,
    description: `drctl ${plan.name}: the drill gate of ${drillRecordName(plan)} is closed (drill traffic goes to ${plan.regions.dr})`,
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: metric.dimensions,
    statistic: 'Minimum',
    period: GATE_ALARM_PERIOD_SECONDS,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    comparison: 'LessThanThreshold',
    treatMissingData: 'ignore',
  });
  healthChecks.addAlarmCheck(
    {
      id: drillGateHealthCheckId(plan),
      name: drillGateHealthCheckName(plan),
      role: 'drill-gate',
      alarmRegion: plan.regions.dr,
      alarmName: drillGateAlarmName(plan),
      insufficientDataHealthStatus: 'LastKnownStatus',
    },
    (region, name) => (cloudWatch.isReadable(region) ? cloudWatch.findAlarm(region, name)?.state : undefined),
  );
  s3.createBucket(plan.regions.dr, evidenceBucketName(plan, account), {
    versioning: 'Enabled',
    defaultEncryption: {
      algorithm: 'aws:kms',
      kmsKeyId: evidenceKeyArn(plan, account),
      bucketKeyEnabled: true,
    },
    publicAccessBlocked: true,
  });
}

/** The evidence bucket's own KMS key in the DR region (a stable id derived from the plan). */
export function evidenceKeyArn(plan: Plan, account: string): string {
  const hex = createHash('sha256').update(`${plan.name}/evidence`).digest('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  return `arn:aws:kms:${plan.regions.dr}:${account}:key/${id}`;
}
