import { Duration } from 'aws-cdk-lib';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine, SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { detectionAlarmName, detectionAlarmPattern } from './detection-alarm-name.ts';

export interface AlarmTriggerProps {
  plan: Plan;
  stateMachine: IStateMachine;
  topic: ITopic;
  deadLetterQueue: IQueue;
}

/**
 * Reacts to the detection alarm entering ALARM. With `failover.trigger: automatic` it starts the
 * state machine with exactly the four execution-input fields; with `approval` it asks a human on
 * the topic instead and starts nothing. The reason is fixed text: the alarm's own reason can be
 * longer than the 500 characters the execution input accepts, and a failover must not fail on that.
 */
export class AlarmTrigger extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: AlarmTriggerProps) {
    super(scope, id);
    const { plan } = props;
    this.rule = new Rule(this, 'Rule', {
      ruleName: `${plan.name}-failover-on-alarm`,
      description: `Detection alarm ${detectionAlarmName(plan)} in ALARM: ${plan.failover.trigger === 'automatic' ? 'start the failover' : 'ask for approval'}`,
      eventPattern: detectionAlarmPattern(plan),
    });
    const alarmName = EventField.fromPath('$.detail.alarmName');
    if (plan.failover.trigger === 'automatic') {
      this.rule.addTarget(
        new SfnStateMachine(props.stateMachine, {
          input: RuleTargetInput.fromObject({
            mode: 'failover',
            reason: `CloudWatch alarm ${alarmName} entered ALARM: the primary region endpoint fails its Route 53 health check`,
            incidentId: EventField.eventId,
            requestedBy: `alarm:${alarmName}`,
          }),
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 4,
          maxEventAge: Duration.minutes(15),
        }),
      );
    } else {
      this.rule.addTarget(
        new SnsTopic(props.topic, {
          message: RuleTargetInput.fromText(
            `drctl plan ${plan.name}: alarm ${alarmName} is in ALARM (event ${EventField.eventId}). The plan asks for approval: start the failover by hand if the primary region is really down.`,
          ),
          deadLetterQueue: props.deadLetterQueue,
        }),
      );
    }
  }
}
