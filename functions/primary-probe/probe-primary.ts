import type { Logger } from '@aws-lambda-powertools/logger';
import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { AccessDeniedError, TransientError, toDrError } from '../../plan/errors.ts';
import { probeMetric } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { describeProbe, type HttpProbe, isHealthyResponse } from '../shared/http-probe.ts';

export interface PrimaryProbePorts {
  plan: Plan;
  /** CloudWatch in the DR region, where this function runs and the DR-side alarm lives. */
  cloudWatch: CloudWatchClient;
  probe: HttpProbe;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

export interface PrimaryProbeOutput {
  checkedAt: string;
  url: string;
  /** unknown: the probe could not be attempted from here (it says nothing about the primary). */
  state: 'reachable' | 'unreachable' | 'unknown';
  detail: string;
  /** The datapoint published, or null when nothing was (unknown stays missing data). */
  published: number | null;
}

/**
 * The DR-side detection path: probes the primary's public health URL from the DR region and
 * publishes 1 (served 2xx in time) or 0 to the DR region's CloudWatch. It calls nothing in the
 * primary region but the URL itself and nothing global, so it keeps working when the primary
 * region and us-east-1's control planes are gone. The alarm over the metric, not this function,
 * decides when enough minutes have failed.
 */
export async function probePrimary(ports: PrimaryProbePorts): Promise<PrimaryProbeOutput> {
  const { plan } = ports;
  const checkedAt = ports.now();
  const url = plan.application.primary.healthUrl;
  const result = await ports.probe(url, plan.detection.probe.timeoutSeconds * 1000);
  const state = isHealthyResponse(result)
    ? 'reachable'
    : result.outcome === 'not-attempted'
      ? 'unknown'
      : 'unreachable';
  const detail = describeProbe(result);
  const value = state === 'unknown' ? null : state === 'reachable' ? 1 : 0;
  if (value !== null) await publish(ports, value, checkedAt);
  const output: PrimaryProbeOutput = {
    checkedAt: checkedAt.toISOString(),
    url,
    state,
    detail,
    published: value,
  };
  if (state === 'reachable') ports.logger?.info('primary reachable from the DR region', { ...output });
  else ports.logger?.warn('primary not reachable from the DR region', { ...output });
  return output;
}

async function publish(ports: PrimaryProbePorts, value: number, timestamp: Date): Promise<void> {
  const metric = probeMetric(ports.plan);
  try {
    await ports.cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: metric.namespace,
        MetricData: [
          {
            MetricName: metric.metricName,
            Dimensions: metric.dimensions,
            Value: value,
            Unit: 'None',
            Timestamp: timestamp,
          },
        ],
      }),
    );
  } catch (error) {
    const mapped = toDrError(error, `PutMetricData ${metric.namespace}/${metric.metricName}`);
    // Access denied is a deployment fault that retrying cannot fix; anything else may pass.
    if (mapped.retryable || mapped instanceof AccessDeniedError) throw mapped;
    throw new TransientError(mapped.message, { cause: error });
  }
}
