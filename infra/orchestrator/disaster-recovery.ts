import { Duration, Tags } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { DrFunction, type DrFunctionName } from '../lambda/dr-function.ts';
import { AlarmTrigger } from './alarm-trigger.ts';
import { DrDashboard } from './dashboard.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { FailoverStateMachine } from './failover-state-machine.ts';
import { grantLeastPrivilege } from './function-roles.ts';
import { HealthMonitorSchedule } from './health-monitor-schedule.ts';
import { NotificationTopic } from './notification-topic.ts';
import { ReadinessAlarms } from './readiness-alarms.ts';

export interface DisasterRecoveryProps {
  /** The validated recovery plan: the only input. */
  plan: Plan;
  /** Where functions/ lives (defaults to this repository's). */
  functionsRoot?: string;
  /** The failover ASL file (defaults to statemachines/failover.asl.json). */
  aslFile?: string;
}

/**
 * The recovery orchestrator for one plan, to add to a stack in the plan's DR region: the five
 * functions with least-privilege roles, the failover state machine and its alarms, the
 * health-monitor schedule, the rule that reacts to the detection alarm, the notification topic
 * and a dashboard. It needs nothing but the plan, so a team with its own application can use it
 * without drctl's reference application.
 */
export class DisasterRecovery extends Construct {
  readonly functions: Record<DrFunctionName, DrFunction>;
  readonly notifications: NotificationTopic;
  readonly failover: FailoverStateMachine;
  readonly schedule: HealthMonitorSchedule;
  readonly trigger: AlarmTrigger;
  readonly dashboard: DrDashboard;
  readonly readinessAlarms: ReadinessAlarms;
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: DisasterRecoveryProps) {
    super(scope, id);
    const { plan } = props;
    Tags.of(this).add('drctl:plan', plan.name);
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    const dlq = this.deadLetters.queue;
    this.notifications = new NotificationTopic(this, 'Notifications', {
      topicName: plan.notifications.topicName,
      emails: plan.notifications.emails,
      deadLetterQueue: dlq,
    });

    const make = (name: DrFunctionName, timeout: Duration, environment: Record<string, string> = {}) =>
      new DrFunction(this, pascal(name), {
        name,
        plan,
        timeout,
        environment,
        deadLetterQueue: dlq,
        ...(props.functionsRoot ? { functionsRoot: props.functionsRoot } : {}),
      });
    this.functions = {
      // HTTP probes of both regions plus AWS reads with short timeouts.
      'health-monitor': make('health-monitor', Duration.seconds(60)),
      'promote-replica': make('promote-replica', Duration.seconds(30)),
      'scale-service': make('scale-service', Duration.seconds(30)),
      'update-dns': make('update-dns', Duration.seconds(30)),
      notify: make('notify', Duration.seconds(30), { DRCTL_TOPIC_ARN: this.notifications.topic.topicArn }),
    };
    grantLeastPrivilege(this.functions, plan, this.notifications.topic);

    const fnRefs: Record<DrFunctionName, IFunction> = {
      'health-monitor': this.functions['health-monitor'].function,
      'promote-replica': this.functions['promote-replica'].function,
      'scale-service': this.functions['scale-service'].function,
      'update-dns': this.functions['update-dns'].function,
      notify: this.functions.notify.function,
    };
    this.failover = new FailoverStateMachine(this, 'Failover', {
      stateMachineName: `${plan.name}-failover`,
      functions: fnRefs,
      topic: this.notifications.topic,
      ...(props.aslFile ? { aslFile: props.aslFile } : {}),
    });

    this.schedule = new HealthMonitorSchedule(this, 'HealthMonitorSchedule', {
      plan,
      healthMonitor: this.functions['health-monitor'].function,
      deadLetterQueue: dlq,
    });

    this.trigger = new AlarmTrigger(this, 'AlarmTrigger', {
      plan,
      stateMachine: this.failover.stateMachine,
      topic: this.notifications.topic,
      deadLetterQueue: dlq,
    });
    this.readinessAlarms = new ReadinessAlarms(this, 'ReadinessAlarms', {
      plan,
      topic: this.notifications.topic,
    });
    this.dashboard = new DrDashboard(this, 'Dashboard', {
      plan,
      stateMachine: this.failover.stateMachine,
      executionLogs: this.failover.logGroup,
    });
  }
}

function pascal(name: string): string {
  return name
    .split('-')
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
