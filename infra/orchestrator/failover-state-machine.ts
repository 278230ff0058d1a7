import { join, resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CHILD_MACHINES, type FailoverChildKey } from '../../statemachines/definition.ts';
import type { StateMachineFunctionName } from '../lambda/dr-function.ts';
import { acknowledge } from '../nag.ts';
import { ChildStateMachine, grantRunChildren, readAsl, stateMachineLogGroup } from './child-state-machine.ts';
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
  /** The child state machines the failover's Maps start (statemachines/definition.ts CHILD_MACHINES). */
  readonly children: Record<FailoverChildKey, ChildStateMachine>;

  constructor(scope: Construct, id: string, props: FailoverStateMachineProps) {
    super(scope, id);
    const aslFile = props.aslFile ?? FAILOVER_ASL_FILE;
    const definition = readAsl(aslFile);
    // One execution per database's promotion poll and per service's scaling (own histories).
    this.children = {
      promoteDatabase: new ChildStateMachine(this, 'PromoteDatabase', {
        parentName: props.stateMachineName,
        child: 'promoteDatabase',
        functions: { [ARN_SUBSTITUTIONS['promote-replica']]: props.functions['promote-replica'] },
      }),
      scaleService: new ChildStateMachine(this, 'ScaleService', {
        parentName: props.stateMachineName,
        child: 'scaleService',
        functions: { [ARN_SUBSTITUTIONS['scale-service']]: props.functions['scale-service'] },
      }),
    };

    this.logGroup = stateMachineLogGroup(this, props.stateMachineName);
    const substitutions = {
      ...Object.fromEntries(
        Object.entries(props.functions).map(([name, fn]) => [
          ARN_SUBSTITUTIONS[name as StateMachineFunctionName],
          fn.functionArn,
        ]),
      ),
      [CHILD_MACHINES.promoteDatabase.substitution]:
        this.children.promoteDatabase.stateMachine.stateMachineArn,
      [CHILD_MACHINES.scaleService.substitution]: this.children.scaleService.stateMachine.stateMachineArn,
    };
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
    // Only the functions its own definition names (scale-service is its child's, for instance).
    const functionArns = Object.entries(props.functions)
      .filter(([name]) => definition.includes(`\${${ARN_SUBSTITUTIONS[name as StateMachineFunctionName]}}`))
      .map(([, fn]) => fn.functionArn);
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        sid: 'InvokeOnlyDrctlFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: functionArns,
      }),
    );
    grantRunChildren(this.stateMachine, Object.values(this.children));
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

export { readAsl } from './child-state-machine.ts';
