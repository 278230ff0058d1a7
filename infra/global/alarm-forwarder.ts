import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { defaultEventBusArn } from '../config/plan-arns.ts';
import { alarmEntersAlarmPattern } from '../orchestrator/detection-alarm-name.ts';

export interface AlarmForwarderProps {
  plan: Plan;
  ruleName: string;
  description: string;
  /** The alarms (of this stack's region) whose ALARM events go to the DR region. */
  alarmArns: readonly string[];
  deadLetterQueue: IQueue;
}

/**
 * Sends alarms' ALARM events from this region to the DR region's default event bus, where the
 * orchestrator's rules act on them (start the failover, or tell people). CloudWatch alarm actions
 * cannot reach a topic in another region; EventBridge can reach another region's bus.
 */
export class AlarmForwarder extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: AlarmForwarderProps) {
    super(scope, id);
    const { plan } = props;
    this.rule = new Rule(this, 'Rule', {
      ruleName: props.ruleName,
      description: props.description,
      eventPattern: alarmEntersAlarmPattern(props.alarmArns),
    });
    const bus = EventBus.fromEventBusArn(this, 'DrBus', defaultEventBusArn(plan, plan.regions.dr));
    this.rule.addTarget(new EventBusTarget(bus, { deadLetterQueue: props.deadLetterQueue }));
  }
}
