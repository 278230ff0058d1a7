import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { DRCTL_NAMESPACE } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * The metrics health-monitor publishes (functions/health-monitor): namespace `drctl`, dimension
 * `Plan`, plus `Database` for replica lag. Values it cannot read are not published at all, so
 * missing data means "unknown", never healthy or unhealthy.
 */
export const METRICS_NAMESPACE = DRCTL_NAMESPACE;

export function healthMetrics(plan: Plan) {
  const period = Duration.minutes(plan.detection.scheduleMinutes);
  const metric = (metricName: string, dimensions: Record<string, string>, statistic: string) =>
    new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { Plan: plan.name, ...dimensions },
      statistic,
      period,
      region: plan.regions.dr,
    });
  return {
    /** 1 when the primary application endpoint answers, 0 when it does not. */
    primaryHealthy: metric('PrimaryHealthy', {}, 'Minimum'),
    /** 1 when every replica and DR service is ready to take over. */
    drReadiness: metric('DrReadiness', {}, 'Minimum'),
    /** Replica lag observed while replication was active, per plan database. */
    replicaLag: Object.fromEntries(
      plan.databases.map((db) => [db.id, metric('ReplicaLagSeconds', { Database: db.id }, 'Maximum')]),
    ),
  };
}
