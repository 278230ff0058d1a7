import { join, resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DRILL_EXECUTION_TAG, DRILL_PLAN_TAG } from '../../plan/names.ts';
import { CHILD_MACHINES, DRILL_CHILDREN, type DrillChildKey } from '../../statemachines/definition.ts';
import type { StateMachineFunctionName } from '../lambda/dr-function.ts';
import { acknowledge } from '../nag.ts';
import {
  ChildStateMachine,
  grantRunChildren,
  readAsl,
  stateMachineLogGroup,
} from '../orchestrator/child-state-machine.ts';
import { ARN_SUBSTITUTIONS } from '../orchestrator/failover-state-machine.ts';
import type { NotificationTopic } from '../orchestrator/notification-topic.ts';

/** The functions a drill's Task states may invoke: its own, and the failover's it reuses. */
export type DrillTaskFunctionName = 'drill' | StateMachineFunctionName;

/** The drill ASL's `${...}` placeholder of each function's ARN: the failover's names plus the drill's. */
export const DRILL_ARN_SUBSTITUTIONS: Record<DrillTaskFunctionName, string> = {
  ...ARN_SUBSTITUTIONS,
  drill: 'DrillFunctionArn',
};

export const DRILL_ASL_FILE = join(
  resolve(import.meta.dirname, '..', '..'),
  'statemachines',
  'drill.asl.json',
);

export interface DrillStateMachineProps {
  stateMachineName: string;
  /** Every function the drill may use; only those its ASL names are wired and invocable. */
  functions: Record<DrillTaskFunctionName, IFunction>;
  /** drills.timeoutMinutes: the whole drill, copies included. */
  timeout: Duration;
  notifications: NotificationTopic;
  /** Where a failed drill's report is (named in the alarms' description). */
  evidenceBucketName: string;
  aslFile?: string;
}

/**
 * The drill state machine (statemachines/drill.asl.json), inline in the template with its
 * TimeoutSeconds set from the plan. It may invoke only the functions its definition names. Logs
 * ALL events with execution data, like the failover machine: no credential passes through a
 * state's input or output (the functions read secrets themselves), and the data (identifiers,
 * times, heartbeat sequence numbers) is what one needs to see what a failed drill left behind.
 * Traced with X-Ray; alarms when an execution fails, times out or is aborted.
 */
export class DrillStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;
  readonly alarms: Alarm[];
  /** The functions the definition invokes (its children invoke their own). */
  readonly invoked: IFunction[];
  /** The child state machines the drill's Maps start. */
  readonly children: Record<DrillChildKey, ChildStateMachine>;

  constructor(scope: Construct, id: string, props: DrillStateMachineProps) {
    super(scope, id);
    const aslFile = props.aslFile ?? DRILL_ASL_FILE;
    const definition = withTimeout(readAsl(aslFile), props.timeout);
    const used = usedFunctions(definition, aslFile);
    this.invoked = used.map((name) => props.functions[name]);
    // One execution per copy's promotion poll and per service's scaling (own histories).
    this.children = {
      promoteCopy: new ChildStateMachine(this, 'PromoteCopy', {
        parentName: props.stateMachineName,
        child: 'promoteCopy',
        functions: { [DRILL_ARN_SUBSTITUTIONS.drill]: props.functions.drill },
      }),
      scaleService: new ChildStateMachine(this, 'ScaleService', {
        parentName: props.stateMachineName,
        child: 'scaleService',
        functions: { [DRILL_ARN_SUBSTITUTIONS['scale-service']]: props.functions['scale-service'] },
      }),
    };

    this.logGroup = stateMachineLogGroup(this, props.stateMachineName);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: {
        ...Object.fromEntries(
          used.map((name) => [DRILL_ARN_SUBSTITUTIONS[name], props.functions[name].functionArn]),
        ),
        [CHILD_MACHINES.promoteCopy.substitution]: this.children.promoteCopy.stateMachine.stateMachineArn,
        [CHILD_MACHINES.scaleService.substitution]: this.children.scaleService.stateMachine.stateMachineArn,
      },
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        sid: 'InvokeOnlyDrillFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: this.invoked.map((fn) => fn.functionArn),
      }),
    );
    grantRunChildren(this.stateMachine, Object.values(this.children));
    acknowledge(
      this.stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      'Step Functions log delivery (logs:CreateLogDelivery, logs:PutResourcePolicy and the other vended-log actions) and X-Ray (xray:PutTraceSegments) have no resource-level permissions: AWS requires "*". lambda:InvokeFunction names the functions the drill definition uses.',
    );
    this.alarms = this.executionAlarms(props);
  }

  private executionAlarms(props: DrillStateMachineProps): Alarm[] {
    // The key layout of plan/names.ts evidenceKey, in words.
    const reports = `s3://${props.evidenceBucketName}/runs/${props.stateMachineName}/<yyyy>/<mm>/<execution name>.json and .html`;
    return ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'].map((name) => {
      const alarmName = `${props.stateMachineName}-${name}`;
      const alarm = new Alarm(this, `${name}Alarm`, {
        alarmName,
        alarmDescription: `A drctl drill ended without success (${name}). What it left behind: the drill-failed notice names it; every drill resource is tagged ${DRILL_PLAN_TAG} and ${DRILL_EXECUTION_TAG}=<execution name> (RDS instances <replica>-drill); the sweep rule and the next drill's sweep remove them. Evidence: ${reports}.`,
        metric: this.stateMachine.metric(name, { period: Duration.minutes(1), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(props.notifications.alarmAction(alarmName));
      return alarm;
    });
  }
}

/** The definition with the plan's TimeoutSeconds (Step Functions fails the execution as TIMED_OUT past it). */
function withTimeout(text: string, timeout: Duration): string {
  const definition = JSON.parse(text) as Record<string, unknown>;
  return `${JSON.stringify({ ...definition, TimeoutSeconds: timeout.toSeconds() }, null, 2)}\n`;
}

/** The functions whose placeholders the definition uses; an unknown placeholder is a synth error. */
function usedFunctions(definition: string, file: string): DrillTaskFunctionName[] {
  const byPlaceholder = new Map(
    Object.entries(DRILL_ARN_SUBSTITUTIONS).map(([name, placeholder]) => [
      placeholder,
      name as DrillTaskFunctionName,
    ]),
  );
  const used = new Set<DrillTaskFunctionName>();
  const children = new Set<string>(DRILL_CHILDREN.map((child) => CHILD_MACHINES[child].substitution));
  for (const [, placeholder] of definition.matchAll(/\$\{(\w+)\}/g)) {
    if (children.has(placeholder as string)) continue;
    const name = byPlaceholder.get(placeholder as string);
    if (!name) {
      throw new Error(
        `${file}: placeholder \${${placeholder}} names no drctl function (known: ${[...byPlaceholder.keys()].join(', ')})`,
      );
    }
    used.add(name);
  }
  return [...used].sort();
}
