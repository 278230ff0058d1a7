import {
  detectionAlarmName,
  drDetectionAlarmName,
  GATE_ALARM_PERIOD_SECONDS,
  gateAlarmName,
  gateMetric,
  probeMetric,
  ROUTE53_METRICS_REGION,
} from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { CloudWatchModel } from '../cloudwatch/model.ts';
import type { WorldContext } from '../context.ts';
import { gateHealthCheckId, gateHealthCheckName } from '../route53/gate.ts';
import type { HealthCheck, HealthChecks } from '../route53/health-checks.ts';

/**
 * The CloudWatch alarms and the Route 53 gate health check as the CDK app deploys them (same
 * names, from plan/names.ts): the world starts as a deployed drctl would be.
 * - fast path: `<plan>-primary-endpoint-unhealthy` in us-east-1 (the only region with Route 53
 *   health-check metrics), Minimum HealthCheckStatus < 1, the plan's M of N, missing data missing;
 * - DR path: `<plan>-primary-unreachable-from-dr` in the DR region over drctl/PrimaryReachableFromDr,
 *   Maximum < 1 for `probe.failedMinutes` of as many one-minute periods, missing data missing
 *   (unknown is not unhealthy);
 * - gate (dns.strategy gate): `<plan>-traffic-gate-closed` in the DR region over
 *   drctl/PrimaryTrafficGate, Minimum < 1, 1 of 1 standard-resolution minute, missing data
 *   ignored (a closed gate stays closed when nothing writes), and the CLOUDWATCH_METRIC health
 *   check on it that the PRIMARY failover record carries (InsufficientDataHealthStatus
 *   LastKnownStatus: missing data never moves traffic).
 */
export function deployDrctlResources(
  plan: Plan,
  parts: { cloudWatch: CloudWatchModel; healthChecks: HealthChecks; primaryCheck: HealthCheck },
): void {
  const { cloudWatch, healthChecks, primaryCheck } = parts;
  const { alarm, probe } = plan.detection;
  const common = () => ({ actionsEnabled: true, alarmActions: [], okActions: [], threshold: 1 });
  cloudWatch.putAlarm({
    ...common(),
    name: detectionAlarmName(plan),
    region: ROUTE53_METRICS_REGION,
    description: `drctl ${plan.name}: ${plan.application.primary.healthUrl} fails its Route 53 health check`,
    namespace: 'AWS/Route53',
    metricName: 'HealthCheckStatus',
    dimensions: [{ Name: 'HealthCheckId', Value: primaryCheck.id }],
    statistic: 'Minimum',
    period: alarm.periodSeconds,
    evaluationPeriods: alarm.evaluationPeriods,
    datapointsToAlarm: alarm.datapointsToAlarm,
    comparison: 'LessThanThreshold',
    treatMissingData: 'missing',
  });
  const probed = probeMetric(plan);
  cloudWatch.putAlarm({
    ...common(),
    name: drDetectionAlarmName(plan),
    region: plan.regions.dr,
    description: `drctl ${plan.name}: ${plan.application.primary.healthUrl} unreachable from ${plan.regions.dr} for ${probe.failedMinutes} minutes`,
    namespace: probed.namespace,
    metricName: probed.metricName,
    dimensions: probed.dimensions,
    statistic: 'Maximum',
    period: 60,
    evaluationPeriods: probe.failedMinutes,
    datapointsToAlarm: probe.failedMinutes,
    comparison: 'LessThanThreshold',
    treatMissingData: 'missing',
  });
  if (plan.dns.strategy !== 'gate') return;
  const gate = gateMetric(plan);
  cloudWatch.putAlarm({
    ...common(),
    name: gateAlarmName(plan),
    region: plan.regions.dr,
    description: `drctl ${plan.name}: the traffic gate of ${plan.dns.record} is closed (traffic goes to ${plan.regions.dr})`,
    namespace: gate.namespace,
    metricName: gate.metricName,
    dimensions: gate.dimensions,
    statistic: 'Minimum',
    period: GATE_ALARM_PERIOD_SECONDS,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    comparison: 'LessThanThreshold',
    treatMissingData: 'ignore',
  });
  healthChecks.addAlarmCheck(
    {
      id: gateHealthCheckId(plan),
      name: gateHealthCheckName(plan),
      role: 'gate',
      alarmRegion: plan.regions.dr,
      alarmName: gateAlarmName(plan),
      insufficientDataHealthStatus: 'LastKnownStatus',
    },
    (region, name) => (cloudWatch.isReadable(region) ? cloudWatch.findAlarm(region, name)?.state : undefined),
  );
}

/**
 * `seconds` of primary-probe history before the world starts, one datapoint a minute (1 when the
 * primary serves): a deployed drctl has been probing for a while, so the DR-path alarm starts OK.
 */
export function backfillProbeHistory(
  context: WorldContext,
  cloudWatch: CloudWatchModel,
  seconds: number,
  primaryServes: boolean,
): void {
  const { plan, clock } = context;
  const metric = probeMetric(plan);
  const interval = plan.detection.probe.scheduleMinutes * 60_000;
  const now = clock.now();
  for (let at = now - Math.floor((seconds * 1000) / interval) * interval; at < now; at += interval) {
    cloudWatch.putValue(
      plan.regions.dr,
      metric.namespace,
      metric.metricName,
      metric.dimensions,
      primaryServes ? 1 : 0,
      at,
      'None',
    );
  }
}
