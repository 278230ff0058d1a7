import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { drServicesByCluster, ecsTaskArnPattern } from '../config/plan-arns.ts';
import { DrFunction, type DrFunctionName } from '../lambda/dr-function.ts';
import { acknowledge } from '../nag.ts';
import { AlarmTrigger } from './alarm-trigger.ts';
import { DrDashboard } from './dashboard.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { FailoverStateMachine } from './failover-state-machine.ts';
import {
  healthMonitorStatements,
  promoteReplicaStatements,
  scaleServiceStatements,
  updateDnsStatements,
} from './function-policies.ts';
import { NotificationTopic } from './notification-topic.ts';
import { ReadinessAlarms } from './readiness-alarms.ts';

export interface DisasterRecoveryProps {
  /** The validated recovery plan: the only input. */
  plan: Plan;
  /** Where functions/ lives (defaults to this repository's). */
  functionsRoot?: string;
  /** The failover ASL file (defaults to statemachines/failover.asl.json). */
  aslFile?: string;
}

/**
 * The recovery orchestrator for one plan, to add to a stack in the plan's DR region: the five
 * functions with least-privilege roles, the failover state machine and its alarms, the
 * health-monitor schedule, the rule that reacts to the detection alarm, the notification topic
 * and a dashboard. It needs nothing but the plan, so a team with its own application can use it
 * without drctl's reference application.
 */
export class DisasterRecovery extends Construct {
  readonly functions: Record<DrFunctionName, DrFunction>;
  readonly notifications: NotificationTopic;
  readonly failover: FailoverStateMachine;
  readonly schedule: Rule;
  readonly trigger: AlarmTrigger;
  readonly dashboard: DrDashboard;
  readonly readinessAlarms: ReadinessAlarms;
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: DisasterRecoveryProps) {
    super(scope, id);
    const { plan } = props;
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    const dlq = this.deadLetters.queue;
    this.notifications = new NotificationTopic(this, 'Notifications', {
      topicName: plan.notifications.topicName,
      emails: plan.notifications.emails,
      deadLetterQueue: dlq,
    });

    const make = (name: DrFunctionName, timeout: Duration, environment: Record<string, string> = {}) =>
      new DrFunction(this, pascal(name), {
        name,
        plan,
        timeout,
        environment,
        deadLetterQueue: dlq,
        ...(props.functionsRoot ? { functionsRoot: props.functionsRoot } : {}),
      });
    this.functions = {
      // HTTP probes of both regions plus AWS reads with short timeouts.
      'health-monitor': make('health-monitor', Duration.seconds(60)),
      'promote-replica': make('promote-replica', Duration.seconds(30)),
      'scale-service': make('scale-service', Duration.seconds(30)),
      'update-dns': make('update-dns', Duration.seconds(30)),
      notify: make('notify', Duration.seconds(30), { DRCTL_TOPIC_ARN: this.notifications.topic.topicArn }),
    };
    const statements = {
      'health-monitor': healthMonitorStatements(plan),
      'promote-replica': promoteReplicaStatements(plan),
      'scale-service': scaleServiceStatements(plan),
      'update-dns': updateDnsStatements(plan),
    };
    for (const [name, list] of Object.entries(statements)) {
      const role = this.functions[name as DrFunctionName].role;
      for (const statement of list) role.addToPrincipalPolicy(statement);
    }
    this.notifications.topic.grantPublish(this.functions.notify.role);
    acknowledge(
      this.functions['health-monitor'],
      'AwsSolutions-IAM5[Resource::*]',
      'cloudwatch:GetMetricStatistics and cloudwatch:PutMetricData have no resource types (AWS requires "*"); PutMetricData is limited to the drctl namespace by the cloudwatch:namespace condition.',
    );
    acknowledge(
      this.functions['scale-service'],
      'AwsSolutions-IAM5[Resource::*]',
      'ecs:ListTasks is authorized on container instances, which Fargate services do not have, so AWS needs "*"; the ecs:cluster condition limits it to the plan\'s DR cluster. Read-only.',
    );
    for (const cluster of drServicesByCluster(plan).keys()) {
      acknowledge(
        this.functions['scale-service'],
        `AwsSolutions-IAM5[Resource::${ecsTaskArnPattern(plan, plan.regions.dr, cluster)}]`,
        `ecs:DescribeTasks: task ids are generated at launch, so the ARN can only name the plan's DR cluster ${cluster} (also enforced by the ecs:cluster condition). Read-only.`,
      );
    }
    acknowledge(
      this.functions['update-dns'],
      'AwsSolutions-IAM5[Resource::arn:aws:route53:::change/*]',
      'route53:GetChange: change ids are generated per ChangeResourceRecordSets request and cannot be known in advance. Read-only.',
    );
    acknowledge(
      this.functions.notify,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Publishing to an SSE-KMS topic needs kms:GenerateDataKey* (the KMS action family grantPublish uses); the resource is the topic key only.',
    );

    const fnRefs: Record<DrFunctionName, IFunction> = {
      'health-monitor': this.functions['health-monitor'].function,
      'promote-replica': this.functions['promote-replica'].function,
      'scale-service': this.functions['scale-service'].function,
      'update-dns': this.functions['update-dns'].function,
      notify: this.functions.notify.function,
    };
    this.failover = new FailoverStateMachine(this, 'Failover', {
      stateMachineName: `${plan.name}-failover`,
      functions: fnRefs,
      topic: this.notifications.topic,
      ...(props.aslFile ? { aslFile: props.aslFile } : {}),
    });

    this.schedule = new Rule(this, 'HealthMonitorSchedule', {
      ruleName: `${plan.name}-health-monitor`,
      description: `Runs the drctl health monitor every ${plan.detection.scheduleMinutes} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(plan.detection.scheduleMinutes)),
    });
    this.schedule.addTarget(
      new LambdaFunction(this.functions['health-monitor'].function, {
        deadLetterQueue: dlq,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(plan.detection.scheduleMinutes),
      }),
    );

    this.trigger = new AlarmTrigger(this, 'AlarmTrigger', {
      plan,
      stateMachine: this.failover.stateMachine,
      topic: this.notifications.topic,
      deadLetterQueue: dlq,
    });
    this.readinessAlarms = new ReadinessAlarms(this, 'ReadinessAlarms', {
      plan,
      topic: this.notifications.topic,
    });
    this.dashboard = new DrDashboard(this, 'Dashboard', {
      plan,
      stateMachine: this.failover.stateMachine,
      executionLogs: this.failover.logGroup,
    });
  }
}

function pascal(name: string): string {
  return name
    .split('-')
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
