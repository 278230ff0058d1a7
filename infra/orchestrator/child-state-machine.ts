import { readFileSync } from 'node:fs';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type ChildKey, childAslPath, childStateMachineName } from '../../statemachines/definition.ts';
import { acknowledge } from '../nag.ts';

/** The managed rule through which Step Functions learns that a .sync child execution ended. */
export const SYNC_EXECUTION_RULE = 'StepFunctionsGetEventsForStepFunctionsExecutionRule';

export interface ChildStateMachineProps {
  /** The parent's state machine name: the child's name and description derive from it. */
  parentName: string;
  /** Which child (statemachines/definition.ts CHILD_MACHINES: its ASL file and name suffix). */
  child: ChildKey;
  /** The `${...}` placeholder of each function the child invokes, and the function. */
  functions: Record<string, IFunction>;
}

/**
 * The log group of a drctl state machine, parent or child: under /aws/vendedlogs/states/ (the
 * prefix Step Functions' log delivery policy covers), kept three months and on deletion.
 */
export function stateMachineLogGroup(scope: Construct, stateMachineName: string): LogGroup {
  return new LogGroup(scope, 'Logs', {
    logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
    retention: RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
  });
}

/**
 * One child state machine (statemachines/promote-database.asl.json, scale-service.asl.json,
 * promote-copy.asl.json): one resource's polling loop in an execution of its own, with its own
 * 25,000-event history, started by its parent's inline Map through startExecution.sync:2.
 * Standard, inline in the template, logging ALL events with execution data and traced like its
 * parent; it may invoke only the functions its definition names.
 */
export class ChildStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;
  /** arn:aws:states:<region>:<account>:execution:<name>:* — the child's executions. */
  readonly executionArnPattern: string;

  constructor(scope: Construct, id: string, props: ChildStateMachineProps) {
    super(scope, id);
    const stateMachineName = childStateMachineName(props.parentName, props.child);
    this.logGroup = stateMachineLogGroup(this, stateMachineName);
    const used = Object.fromEntries(
      Object.entries(props.functions).map(([placeholder, fn]) => [placeholder, fn.functionArn]),
    );
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      comment: `drctl: one resource's polling loop, started by ${props.parentName} (startExecution.sync:2)`,
      definitionBody: DefinitionBody.fromString(readAsl(childAslPath(props.child))),
      definitionSubstitutions: used,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        sid: 'InvokeOnlyItsFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(props.functions).map((fn) => fn.functionArn),
      }),
    );
    acknowledge(
      this.stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      'Step Functions log delivery (logs:CreateLogDelivery, logs:PutResourcePolicy and the other vended-log actions) and X-Ray (xray:PutTraceSegments) have no resource-level permissions: AWS requires "*". lambda:InvokeFunction names the functions the child definition uses.',
    );
    // A plain string (drctl's stacks have explicit environments), as infra/config/plan-arns.ts builds them.
    const { region, account } = Stack.of(this);
    this.executionArnPattern = `arn:aws:states:${region}:${account}:execution:${stateMachineName}:*`;
  }
}

/**
 * What a parent needs to run its children with startExecution.sync:2 (Step Functions Developer
 * Guide, "IAM policies for Step Functions", synchronous StartExecution): StartExecution on each
 * child, DescribeExecution and StopExecution on their executions, and the managed EventBridge
 * rule through which Step Functions learns that a child ended.
 */
export function grantRunChildren(parent: StateMachine, children: ChildStateMachine[]): void {
  parent.addToRolePolicy(
    new PolicyStatement({
      sid: 'StartOnlyItsChildren',
      actions: ['states:StartExecution'],
      resources: children.map((child) => child.stateMachine.stateMachineArn),
    }),
  );
  parent.addToRolePolicy(
    new PolicyStatement({
      sid: 'WatchAndStopItsChildren',
      actions: ['states:DescribeExecution', 'states:StopExecution'],
      resources: children.map((child) => child.executionArnPattern),
    }),
  );
  parent.addToRolePolicy(
    new PolicyStatement({
      sid: 'SyncExecutionRule',
      actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      resources: [
        `arn:aws:events:${Stack.of(parent).region}:${Stack.of(parent).account}:rule/${SYNC_EXECUTION_RULE}`,
      ],
    }),
  );
  for (const child of children) {
    acknowledge(
      parent,
      `AwsSolutions-IAM5[Resource::${child.executionArnPattern}]`,
      'Child execution names are generated by Step Functions at each start: the ARN can only name the child state machine. DescribeExecution and StopExecution are what startExecution.sync:2 needs to wait for and stop the child.',
    );
  }
}

/** The ASL text of a definition file, which must be readable JSON (a synth error names the file). */
export function readAsl(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the state machine definition ${file}: ${(error as Error).message}`);
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return text;
}
