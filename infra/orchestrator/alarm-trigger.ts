import { Duration } from 'aws-cdk-lib';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { detectionAlarms } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { activeRegionOf } from '../config/plan-arns.ts';
import { detectionAlarmPattern } from './detection-alarm-name.ts';
import type { NotificationTopic } from './notification-topic.ts';

export interface AlarmTriggerProps {
  plan: Plan;
  stateMachine: IStateMachine;
  notifications: NotificationTopic;
  deadLetterQueue: IQueue;
}

/**
 * One rule in the DR region for both detection paths (plan/names.ts detectionAlarms): the fast
 * path's us-east-1 alarm, forwarded to this bus, and the DR-side probe alarm of this region. With
 * `failover.trigger: automatic` it starts the state machine with exactly the four execution-input
 * fields, `requestedBy: alarm:<name>` saying which path fired; with `approval` the run it starts
 * stops before the point of no return and waits for a person's decision. EventBridge starts unnamed executions at least once per event:
 * "one failover at a time" is preflight's job (it reads the state machine's executions).
 * The reason is fixed text: an alarm's own reason can exceed the 500 characters of the input.
 * With `deployment.activeRegion: dr` the failover has happened: the rule is kept but disabled.
 */
export class AlarmTrigger extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: AlarmTriggerProps) {
    super(scope, id);
    const { plan } = props;
    const ruleName = `${plan.name}-failover-on-alarm`;
    const names = detectionAlarms(plan)
      .map((alarm) => alarm.name)
      .join(' or ');
    this.rule = new Rule(this, 'Rule', {
      ruleName,
      description: `Detection alarm ${names} in ALARM: ${plan.failover.trigger === 'automatic' ? 'start the failover' : 'start a failover that waits for approval'}`,
      eventPattern: detectionAlarmPattern(plan),
      enabled: activeRegionOf(plan) === 'primary',
    });
    const alarmName = EventField.fromPath('$.detail.alarmName');
    // Both triggers start the run: with `approval` it stops before the point of no return and waits.
    this.rule.addTarget(
      new SfnStateMachine(props.stateMachine, {
        input: RuleTargetInput.fromObject({
          mode: 'failover',
          reason: `CloudWatch alarm ${alarmName} entered ALARM: drctl detection says the primary region (${plan.regions.primary}) does not serve`,
          incidentId: EventField.eventId,
          requestedBy: `alarm:${alarmName}`,
        }),
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 4,
        maxEventAge: Duration.minutes(15),
      }),
    );
  }
}
