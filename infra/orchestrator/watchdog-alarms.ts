import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { functionErrorsAlarmName, functionSilentAlarmName } from '../config/alarm-names.ts';
import type { NotificationTopic } from './notification-topic.ts';

export interface WatchedFunction {
  /** drctl's function name (health-monitor, primary-probe). */
  name: string;
  function: IFunction;
  /** How often its schedule runs it. */
  everyMinutes: number;
  /** A metric it publishes on every healthy run: its absence means the watch is blind. */
  heartbeat: Metric;
  /** Runs without a heartbeat before the silence is an alarm. */
  silentRuns: number;
}

/**
 * Who watches the watchers: for each scheduled function, an alarm when a run fails (Lambda
 * Errors) and one when its metric stops arriving (not invoked, throttled, crashing, or unable to
 * publish), where missing data is breaching on purpose: silence is the failure being watched.
 */
export class WatchdogAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    props: { plan: Plan; notifications: NotificationTopic; watched: WatchedFunction[] },
  ) {
    super(scope, id);
    const { plan } = props;
    for (const watched of props.watched) {
      const period = Duration.minutes(watched.everyMinutes);
      const errorsName = functionErrorsAlarmName(plan, watched.name);
      const errors = new Alarm(this, `${watched.name}-errors`, {
        alarmName: errorsName,
        alarmDescription: `drctl ${plan.name}: ${watched.name} failed a run. Read its log group.`,
        metric: watched.function.metricErrors({ statistic: 'Sum', period }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      errors.addAlarmAction(props.notifications.alarmAction(errorsName));
      const silentName = functionSilentAlarmName(plan, watched.name);
      const silent = new Alarm(this, `${watched.name}-silent`, {
        alarmName: silentName,
        alarmDescription: `drctl ${plan.name}: ${watched.name} published nothing for ${watched.silentRuns} runs: the watch it keeps is blind (not invoked, failing, or unable to reach its target).`,
        metric: watched.heartbeat.with({ statistic: 'SampleCount', period }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: watched.silentRuns,
        datapointsToAlarm: watched.silentRuns,
        treatMissingData: TreatMissingData.BREACHING,
      });
      const notify = props.notifications.alarmAction(silentName);
      silent.addAlarmAction(notify);
      silent.addOkAction(notify);
      this.alarms.push(errors, silent);
    }
  }
}
