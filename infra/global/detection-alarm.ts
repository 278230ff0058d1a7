import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnHealthCheck } from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { detectionAlarmName } from '../orchestrator/detection-alarm-name.ts';

/**
 * ALARM when the primary endpoint's Route 53 health check reports unhealthy for the plan's
 * datapoints. Missing data stays missing: unknown is not unhealthy.
 */
export class DetectionAlarm extends Construct {
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: { plan: Plan; primaryHealthCheck: CfnHealthCheck }) {
    super(scope, id);
    const { plan } = props;
    const { alarm } = plan.detection;
    this.alarm = new Alarm(this, 'Alarm', {
      alarmName: detectionAlarmName(plan),
      alarmDescription: `drctl ${plan.name}: ${plan.application.primary.healthUrl} fails its Route 53 health check. ${plan.failover.trigger === 'automatic' ? 'Starts the failover in ' : 'Asks for approval in '}${plan.regions.dr}.`,
      metric: new Metric({
        namespace: 'AWS/Route53',
        metricName: 'HealthCheckStatus',
        dimensionsMap: { HealthCheckId: props.primaryHealthCheck.attrHealthCheckId },
        statistic: 'Minimum',
        period: Duration.seconds(alarm.periodSeconds),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: alarm.evaluationPeriods,
      datapointsToAlarm: alarm.datapointsToAlarm,
      treatMissingData: TreatMissingData.MISSING,
    });
  }
}
