import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { operationalNoticeRuleName, type PlacedAlarm } from '../config/alarm-names.ts';
import { alarmArn } from '../config/plan-arns.ts';
import { alarmEntersAlarmPattern } from './detection-alarm-name.ts';
import type { NotificationTopic } from './notification-topic.ts';

/**
 * Notify-only alarms of other regions (S3 replication, dead letters of the forwarding rules)
 * reach this region's event bus through their region's forwarding rule; this rule turns them into
 * a notice on the topic. Alarms of this region would be seen here directly.
 */
export class OperationalNotices extends Construct {
  readonly rule: Rule;

  constructor(
    scope: Construct,
    id: string,
    props: { plan: Plan; alarms: PlacedAlarm[]; notifications: NotificationTopic; deadLetterQueue: IQueue },
  ) {
    super(scope, id);
    const { plan } = props;
    const ruleName = operationalNoticeRuleName(plan);
    this.rule = new Rule(this, 'Rule', {
      ruleName,
      description: `drctl ${plan.name}: tells people when a notify-only alarm outside this stack enters ALARM`,
      eventPattern: alarmEntersAlarmPattern(props.alarms.map((a) => alarmArn(plan, a.region, a.name))),
    });
    props.notifications.allowRule(ruleName);
    props.notifications.acknowledgePublisherRole(this.rule);
    this.rule.addTarget(
      new SnsTopic(props.notifications.topic, {
        authorizeUsingRole: true,
        message: RuleTargetInput.fromText(
          `drctl plan ${plan.name}: alarm ${EventField.fromPath('$.detail.alarmName')} in ${EventField.region} is in ALARM: ${EventField.fromPath('$.detail.state.reason')}`,
        ),
        deadLetterQueue: props.deadLetterQueue,
      }),
    );
  }
}
