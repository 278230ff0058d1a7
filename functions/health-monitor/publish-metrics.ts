import { type CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { AccessDeniedError, TransientError, toDrError } from '../../plan/errors.ts';
import type { PublishedMetric } from './monitor-report.ts';

export const METRIC_NAMESPACE = 'drctl';

const UNITS: Record<PublishedMetric['metric'], MetricDatum['Unit']> = {
  PrimaryHealthy: 'None',
  ReplicaLagSeconds: 'Seconds',
  DrReadiness: 'None',
};

/**
 * Sends all known values in ONE PutMetricData call; nothing when every value is unknown (the
 * alarms then see missing data, which is what unknown is). A failure is thrown: the report
 * must never claim metrics that were not published.
 */
export async function publishMetrics(
  cloudWatch: CloudWatchClient,
  metrics: readonly PublishedMetric[],
  timestamp: Date,
): Promise<void> {
  if (metrics.length === 0) return;
  try {
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: METRIC_NAMESPACE,
        MetricData: metrics.map((m) => ({
          MetricName: m.metric,
          Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({ Name, Value })),
          Value: m.value,
          Unit: UNITS[m.metric],
          Timestamp: timestamp,
        })),
      }),
    );
  } catch (error) {
    const mapped = toDrError(error, `PutMetricData namespace ${METRIC_NAMESPACE}`);
    // Access denied is a deployment fault that retrying cannot fix; anything else may pass.
    if (mapped.retryable || mapped instanceof AccessDeniedError) throw mapped;
    throw new TransientError(mapped.message, { cause: error });
  }
}
