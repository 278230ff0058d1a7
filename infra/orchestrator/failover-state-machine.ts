import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StateMachineFunctionName } from '../lambda/dr-function.ts';
import { acknowledge } from '../nag.ts';
import type { NotificationTopic } from './notification-topic.ts';

/** The ASL file's `${...}` placeholder for each function's ARN: a contract with statemachines/. */
export const ARN_SUBSTITUTIONS: Record<StateMachineFunctionName, string> = {
  'health-monitor': 'HealthMonitorFunctionArn',
  'promote-replica': 'PromoteReplicaFunctionArn',
  'scale-service': 'ScaleServiceFunctionArn',
  'update-dns': 'UpdateDnsFunctionArn',
  notify: 'NotifyFunctionArn',
  approval: 'ApprovalFunctionArn',
  'fence-primary': 'FencePrimaryFunctionArn',
};

export const FAILOVER_ASL_FILE = join(
  resolve(import.meta.dirname, '..', '..'),
  'statemachines',
  'failover.asl.json',
);

export interface FailoverStateMachineProps {
  stateMachineName: string;
  functions: Record<StateMachineFunctionName, IFunction>;
  /** Where the alarms on failed, timed-out and aborted executions notify. */
  notifications: NotificationTopic;
  aslFile?: string;
}

/**
 * The failover state machine, inline in the template (not an S3 asset) so that the template
 * shows exactly what runs. It may invoke only its own functions; logs ALL events with
 * execution data, traces with X-Ray, and raises alarms when an execution does not succeed.
 */
export class FailoverStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: FailoverStateMachineProps) {
    super(scope, id);
    const aslFile = props.aslFile ?? FAILOVER_ASL_FILE;
    const definition = readAsl(aslFile);

    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.stateMachineName}`,
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    const substitutions = Object.fromEntries(
      Object.entries(props.functions).map(([name, fn]) => [
        ARN_SUBSTITUTIONS[name as StateMachineFunctionName],
        fn.functionArn,
      ]),
    );
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
    const functionArns = Object.values(props.functions).map((fn) => fn.functionArn);
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        sid: 'InvokeOnlyDrctlFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: functionArns,
      }),
    );
    acknowledge(
      this.stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      'Step Functions log delivery (logs:CreateLogDelivery, logs:PutResourcePolicy and the other vended-log actions) and X-Ray (xray:PutTraceSegments) have no resource-level permissions: AWS requires "*". lambda:InvokeFunction names the five functions.',
    );

    const metric = (name: string) =>
      this.stateMachine.metric(name, { period: Duration.minutes(1), statistic: 'Sum' });
    this.alarms = ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'].map((name) => {
      const alarmName = `${props.stateMachineName}-${name}`;
      const alarm = new Alarm(this, `${name}Alarm`, {
        alarmName,
        alarmDescription: `A drctl failover execution ended without success (${name}). Read its evidence report and the execution history.`,
        metric: metric(name),
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
