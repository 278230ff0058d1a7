import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { healthMetrics } from './health-metrics.ts';
import type { NotificationTopic } from './notification-topic.ts';

/**
 * Tell people, before an outage, when a failover would not meet the plan: the DR side is not
 * ready, or a replica lags more than the RPO budget. These alarms only notify; they never start
 * a failover. Missing data (unknown) leaves them as they are.
 */
export class ReadinessAlarms extends Construct {
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: { plan: Plan; notifications: NotificationTopic }) {
    super(scope, id);
    const { plan } = props;
    const metrics = healthMetrics(plan);
    const notReadyName = `${plan.name}-dr-not-ready`;
    const notReady = new Alarm(this, 'DrNotReady', {
      alarmName: notReadyName,
      alarmDescription: `drctl ${plan.name}: the DR region (${plan.regions.dr}) would not take over now (replica or pilot-light service not ready). See the dashboard.`,
      metric: metrics.drReadiness,
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.MISSING,
    });
    notReady.addAlarmAction(props.notifications.alarmAction(notReadyName));
    const lagging = plan.databases.map((db) => {
      const alarmName = `${plan.name}-${db.id}-replica-lag-over-rpo`;
      const alarm = new Alarm(this, `ReplicaLag-${db.id}`, {
        alarmName,
        alarmDescription: `drctl ${plan.name}: ${db.replica.identifier} lags more than the RPO budget (${plan.objectives.rpoSeconds} s); a failover now would lose more data than the plan allows.`,
        metric: metrics.replicaLag[db.id] as NonNullable<(typeof metrics.replicaLag)[string]>,
        threshold: plan.objectives.rpoSeconds,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.MISSING,
      });
      alarm.addAlarmAction(props.notifications.alarmAction(alarmName));
      return alarm;
    });
    this.alarms = [notReady, ...lagging];
  }
}
