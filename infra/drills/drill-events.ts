import { Duration } from 'aws-cdk-lib';
import { EventField, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';

/** How Step Functions reports a standard execution's end on the default event bus (Step Functions Developer Guide, "Automating Step Functions event delivery with EventBridge"). */
export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

/** The execution states that end a run without success. */
export const UNSUCCESSFUL_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** Every end of a run: what the evidence function reports on. */
export const FINAL_STATUSES = ['SUCCEEDED', ...UNSUCCESSFUL_STATUSES] as const;

export function executionEndedPattern(stateMachineArns: readonly string[], statuses: readonly string[]) {
  return {
    source: ['aws.states'],
    detailType: [EXECUTION_STATUS_CHANGE],
    detail: { stateMachineArn: [...stateMachineArns], status: [...statuses] },
  };
}

/** The sweep rule's name (the local world's event records use the same). */
export function drillSweepRuleName(plan: Plan): string {
  return `${plan.name}-drill-sweep-on-failure`;
}

/**
 * How long EventBridge keeps retrying a status-change delivery: its maximum and default, 24 hours
 * and 185 attempts (EventBridge User Guide, "How EventBridge retries delivering events",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html).
 * A sweep or a report delivered late is still worth it; the local world retries the same 24 hours.
 */
export const STATUS_CHANGE_DELIVERY = { retryAttempts: 185, maxEventAge: Duration.hours(24) };

export function drillScheduleRuleName(plan: Plan): string {
  return `${plan.name}-drill-schedule`;
}

/**
 * Cleanup that does not depend on the drill reaching its Cleanup state: when a drill execution
 * fails, times out or is aborted (an abort or a timeout runs no Catch), this rule invokes the
 * drill function's sweep, which deletes the copies, scales the DR services back to the pilot
 * light (unless a failover runs or the plan is failed over) and opens the drill gate. EventBridge
 * delivers at least once: the sweep is idempotent.
 */
export class DrillSweepRule extends Construct {
  readonly rule: Rule;

  constructor(
    scope: Construct,
    id: string,
    props: { plan: Plan; drillStateMachineArn: string; drillFunction: IFunction; deadLetterQueue: IQueue },
  ) {
    super(scope, id);
    const { plan } = props;
    this.rule = new Rule(this, 'Rule', {
      ruleName: drillSweepRuleName(plan),
      description: `Sweeps what a ${plan.name} drill left behind when its execution fails, times out or is aborted`,
      eventPattern: executionEndedPattern([props.drillStateMachineArn], UNSUCCESSFUL_STATUSES),
    });
    this.rule.addTarget(
      new LambdaFunction(props.drillFunction, {
        event: RuleTargetInput.fromObject({
          op: 'sweep',
          reason: `${EventField.fromPath('$.detail.status')} ${EventField.fromPath('$.detail.executionArn')}`,
        }),
        deadLetterQueue: props.deadLetterQueue,
        ...STATUS_CHANGE_DELIVERY,
      }),
    );
  }
}

/**
 * Scheduled drills (drills.schedule): an EventBridge rule in the DR region starts the drill
 * machine with the four execution-input fields. A rule rather than EventBridge Scheduler: the
 * plan's expression is a rule's (UTC cron or rate), the other schedules of the stack are rules,
 * the local world models rules, and the event id gives each start its incident id; a target
 * retry policy and dead-letter queue cover a failed StartExecution either way. A start that
 * cannot be delivered within an hour is dropped to the dead-letter queue (and its alarm): a
 * drill started hours late would surprise whoever planned the window.
 */
export class DrillSchedule extends Construct {
  readonly rule: Rule;

  constructor(
    scope: Construct,
    id: string,
    props: { plan: Plan; expression: string; drillStateMachine: IStateMachine; deadLetterQueue: IQueue },
  ) {
    super(scope, id);
    const { plan } = props;
    const ruleName = drillScheduleRuleName(plan);
    this.rule = new Rule(this, 'Rule', {
      ruleName,
      description: `Starts a ${plan.name} drill on its schedule (${props.expression})`,
      schedule: Schedule.expression(props.expression),
    });
    this.rule.addTarget(
      new SfnStateMachine(props.drillStateMachine, {
        input: RuleTargetInput.fromObject({
          mode: 'drill',
          reason: 'scheduled drill',
          incidentId: EventField.eventId,
          requestedBy: `schedule:${ruleName}`,
        }),
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 4,
        maxEventAge: Duration.hours(1),
      }),
    );
  }
}
