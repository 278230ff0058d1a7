import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { defaultEventBusArn } from '../config/plan-arns.ts';
import { detectionAlarmPattern } from '../orchestrator/detection-alarm-name.ts';

/**
 * Sends the detection alarm's ALARM events from us-east-1 (where Route 53 metrics live) to the
 * DR region's default event bus, where the orchestrator's rule starts the failover.
 */
export class AlarmForwarder extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: { plan: Plan; deadLetterQueue: IQueue }) {
    super(scope, id);
    const { plan } = props;
    this.rule = new Rule(this, 'Rule', {
      ruleName: `${plan.name}-forward-alarm`,
      description: `Forwards the detection alarm to ${plan.regions.dr}, where drctl's orchestrator runs`,
      eventPattern: detectionAlarmPattern(plan),
    });
    const bus = EventBus.fromEventBusArn(this, 'DrBus', defaultEventBusArn(plan, plan.regions.dr));
    this.rule.addTarget(new EventBusTarget(bus, { deadLetterQueue: props.deadLetterQueue }));
  }
}
