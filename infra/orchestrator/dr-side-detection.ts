import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { drDetectionAlarmName, probeMetric } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';

/** The probe alarm judges one-minute periods (round design): one probe per scheduled minute. */
export const PROBE_ALARM_PERIOD_SECONDS = 60;

export function probeCloudWatchMetric(plan: Plan, statistic: string, period: Duration): Metric {
  const metric = probeMetric(plan);
  return new Metric({
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensionsMap: Object.fromEntries(metric.dimensions.map((d) => [d.Name, d.Value])),
    statistic,
    period,
  });
}

/**
 * The detection path that needs nothing in the primary region or in us-east-1: primary-probe
 * runs every `detection.probe.scheduleMinutes` from the DR region and publishes
 * drctl/PrimaryReachableFromDr; this region's alarm enters ALARM after `probe.failedMinutes`
 * consecutive failed minutes (N = M, so one failed probe or a flapping primary never fires it).
 * Missing data stays missing: a probe that could not be attempted says nothing about the primary.
 */
export class DrSideDetection extends Construct {
  readonly schedule: Rule;
  readonly alarm: Alarm;

  constructor(
    scope: Construct,
    id: string,
    props: { plan: Plan; probe: IFunction; deadLetterQueue: IQueue },
  ) {
    super(scope, id);
    const { plan } = props;
    const { probe } = plan.detection;
    this.schedule = new Rule(this, 'Schedule', {
      ruleName: `${plan.name}-primary-probe`,
      description: `Probes ${plan.application.primary.healthUrl} from ${plan.regions.dr} every ${probe.scheduleMinutes} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(probe.scheduleMinutes)),
    });
    this.schedule.addTarget(
      new LambdaFunction(props.probe, {
        deadLetterQueue: props.deadLetterQueue,
        // A late probe measures the wrong minute: one retry, then the next scheduled probe.
        retryAttempts: 1,
        maxEventAge: Duration.minutes(1),
      }),
    );
    this.alarm = new Alarm(this, 'Alarm', {
      alarmName: drDetectionAlarmName(plan),
      alarmDescription: `drctl ${plan.name}: ${plan.application.primary.healthUrl} failed every probe from ${plan.regions.dr} for ${probe.failedMinutes} minutes. ${plan.failover.trigger === 'automatic' ? 'Starts the failover.' : 'Asks for approval.'}`,
      metric: probeCloudWatchMetric(plan, 'Maximum', Duration.seconds(PROBE_ALARM_PERIOD_SECONDS)),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: probe.failedMinutes,
      datapointsToAlarm: probe.failedMinutes,
      treatMissingData: TreatMissingData.MISSING,
    });
  }
}
