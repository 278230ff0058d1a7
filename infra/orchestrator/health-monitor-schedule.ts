import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';

/**
 * Runs health-monitor every `detection.scheduleMinutes`. A run that cannot be delivered within
 * one period is dropped to the dead-letter queue: the next run measures afresh.
 */
export class HealthMonitorSchedule extends Construct {
  readonly rule: Rule;

  constructor(
    scope: Construct,
    id: string,
    props: { plan: Plan; healthMonitor: IFunction; deadLetterQueue: IQueue },
  ) {
    super(scope, id);
    const { plan } = props;
    this.rule = new Rule(this, 'Rule', {
      ruleName: `${plan.name}-health-monitor`,
      description: `Runs the drctl health monitor every ${plan.detection.scheduleMinutes} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(plan.detection.scheduleMinutes)),
    });
    this.rule.addTarget(
      new LambdaFunction(props.healthMonitor, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(plan.detection.scheduleMinutes),
      }),
    );
  }
}

/** Runs a function every few minutes; a run not delivered within one period is dropped to the dead-letter queue. */
export class FunctionSchedule extends Construct {
  readonly rule: Rule;

  constructor(
    scope: Construct,
    id: string,
    props: {
      ruleName: string;
      description: string;
      everyMinutes: number;
      target: IFunction;
      deadLetterQueue: IQueue;
    },
  ) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      ruleName: props.ruleName,
      description: props.description,
      schedule: Schedule.rate(Duration.minutes(props.everyMinutes)),
    });
    this.rule.addTarget(
      new LambdaFunction(props.target, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(props.everyMinutes),
      }),
    );
  }
}
