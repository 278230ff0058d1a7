import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  GATE_ALARM_PERIOD_SECONDS,
  gateAlarmName,
  gateMetric,
  type MetricIdentity,
} from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { NotificationTopic } from './notification-topic.ts';

/**
 * The traffic gate of `dns.strategy: gate`, in the DR region: ALARM = gate closed, and the Route
 * 53 health check that watches this alarm turns unhealthy, so the failover records answer with the
 * DR target. Minimum over one standard-resolution minute (Route 53 accepts no high-resolution
 * alarm and no extended statistic), 1 of 1, below 1. Missing data is ignored: no data keeps the
 * state, so a closed gate stays closed while nothing writes and an open one stays open. A deploy
 * writes no datapoint and an update of the alarm keeps its state (PutMetricAlarm leaves the state
 * as it is): the gate survives redeploys. People hear when it closes and when it opens again.
 */
export class TrafficGateAlarm extends Construct {
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: { plan: Plan; notifications: NotificationTopic }) {
    super(scope, id);
    const { plan } = props;
    const metric = gateMetric(plan);
    const alarmName = gateAlarmName(plan);
    this.alarm = gateAlarm(this, 'Alarm', {
      alarmName,
      description: `drctl ${plan.name}: ALARM = traffic gate closed, ${plan.dns.record} answers ${plan.application.dr.target} (${plan.regions.dr}). Only a failover closes it and only a failback opens it (PutMetricData ${metric.namespace}/${metric.metricName} 1).`,
      metric,
    });
    const notify = props.notifications.alarmAction(alarmName);
    this.alarm.addAlarmAction(notify);
    this.alarm.addOkAction(notify);
  }
}

/**
 * A gate alarm (the public record's, or the drill name's): ALARM = gate closed. Minimum over one
 * standard-resolution minute, 1 of 1, below 1, missing data ignored (no data keeps the state).
 */
export function gateAlarm(
  scope: Construct,
  id: string,
  props: { alarmName: string; description: string; metric: MetricIdentity },
): Alarm {
  const { metric } = props;
  return new Alarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: props.description,
    metric: new Metric({
      namespace: metric.namespace,
      metricName: metric.metricName,
      dimensionsMap: Object.fromEntries(metric.dimensions.map((d) => [d.Name, d.Value])),
      statistic: 'Minimum',
      period: Duration.seconds(GATE_ALARM_PERIOD_SECONDS),
    }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.IGNORE,
  });
}
