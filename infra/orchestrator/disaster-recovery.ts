import { Duration, Tags } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { functionSettings } from '../../plan/function-settings.ts';
import { failoverStateMachineName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import {
  deadLetterAlarmName,
  operationalAlarmsOutsideOrchestrator,
  type PlacedAlarm,
} from '../config/alarm-names.ts';
import {
  decisionParameterArnPattern,
  failoverExecutionArnPattern,
  failoverStateMachineArn,
} from '../config/plan-arns.ts';
import { Drills } from '../drills/drills.ts';
import {
  DrFunction,
  type OrchestratorFunctionName,
  type StateMachineFunctionName,
} from '../lambda/dr-function.ts';
import { acknowledge } from '../nag.ts';
import { AlarmTrigger } from './alarm-trigger.ts';
import { DrDashboard } from './dashboard.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { DrSideDetection, probeCloudWatchMetric } from './dr-side-detection.ts';
import { FailoverStateMachine } from './failover-state-machine.ts';
import { grantLeastPrivilege } from './function-roles.ts';
import { healthMetrics } from './health-metrics.ts';
import { FunctionSchedule, HealthMonitorSchedule } from './health-monitor-schedule.ts';
import { NotificationTopic } from './notification-topic.ts';
import { OperationalNotices } from './operational-notices.ts';
import { ReadinessAlarms } from './readiness-alarms.ts';
import { TrafficGateAlarm } from './traffic-gate-alarm.ts';
import { WatchdogAlarms } from './watchdog-alarms.ts';

export interface DisasterRecoveryProps {
  /** The validated recovery plan: the only input. */
  plan: Plan;
  /** Where functions/ lives (defaults to this repository's). */
  functionsRoot?: string;
  /** The failover ASL file (defaults to statemachines/failover.asl.json). */
  aslFile?: string;
  /**
   * Notify-only alarms of other stacks whose ALARM events are forwarded to this region's bus;
   * defaults to those of drctl's reference application.
   */
  operationalAlarms?: PlacedAlarm[];
  /** The drill ASL file (defaults to statemachines/drill.asl.json). */
  drillAslFile?: string;
  /**
   * Name of a bucket of this region that takes the evidence bucket's S3 access logs (its policy
   * must allow it; drctl's DR foundation log bucket does).
   */
  evidenceAccessLogsBucketName?: string;
}

/**
 * The recovery orchestrator for one plan, to add to a stack in the plan's DR region: the functions
 * with least-privilege roles, the failover state machine and its alarms, both detection paths'
 * DR-side parts (the primary-probe schedule and alarm, one rule for both paths' alarms), the
 * traffic gate alarm (dns.strategy gate), the health-monitor schedule, the notification topic,
 * watchdogs on its own schedules and dead letters, a dashboard, and the drills (infra/drills:
 * the drill machine and function, the drill gate alarm, the evidence bucket, the sweep rule and the
 * schedule). It needs nothing but the plan, so a team with its own application can use it without drctl's reference application.
 */
export class DisasterRecovery extends Construct {
  readonly functions: Record<OrchestratorFunctionName, DrFunction>;
  readonly notifications: NotificationTopic;
  readonly failover: FailoverStateMachine;
  readonly schedule: HealthMonitorSchedule;
  readonly drDetection: DrSideDetection;
  readonly trigger: AlarmTrigger;
  readonly trafficGate: TrafficGateAlarm | undefined;
  readonly dashboard: DrDashboard;
  readonly readinessAlarms: ReadinessAlarms;
  readonly watchdogs: WatchdogAlarms;
  readonly operationalNotices: OperationalNotices;
  readonly deadLetters: DeadLetterQueue;
  readonly fenceSchedule: FunctionSchedule;
  readonly decidersPolicy: ManagedPolicy;
  readonly drills: Drills;

  constructor(scope: Construct, id: string, props: DisasterRecoveryProps) {
    super(scope, id);
    const { plan } = props;
    Tags.of(this).add('drctl:plan', plan.name);
    // The topic's own subscriptions need the queue first; the queue's alarm is wired below.
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      alarmName: deadLetterAlarmName(plan, 'orchestrator'),
    });
    const dlq = this.deadLetters.queue;
    this.notifications = new NotificationTopic(this, 'Notifications', {
      topicName: plan.notifications.topicName,
      emails: plan.notifications.emails,
      deadLetterQueue: dlq,
    });
    this.deadLetters.alarm.addAlarmAction(
      this.notifications.alarmAction(deadLetterAlarmName(plan, 'orchestrator')),
    );

    const make = (name: OrchestratorFunctionName, environment: Record<string, string> = {}) =>
      new DrFunction(this, pascal(name), {
        name,
        plan,
        timeout: Duration.seconds(functionSettings(plan, name).timeoutSeconds),
        environment,
        deadLetterQueue: dlq,
        ...(props.functionsRoot ? { functionsRoot: props.functionsRoot } : {}),
      });
    this.functions = {
      'health-monitor': make('health-monitor'),
      'promote-replica': make('promote-replica'),
      'scale-service': make('scale-service'),
      'update-dns': make('update-dns'),
      notify: make('notify', { DRCTL_TOPIC_ARN: this.notifications.topic.topicArn }),
      'primary-probe': make('primary-probe'),
      approval: make('approval'),
      'fence-primary': make('fence-primary'),
    };
    grantLeastPrivilege(this.functions, plan, this.notifications.topic);

    const taskFunctions: Record<StateMachineFunctionName, IFunction> = {
      'health-monitor': this.functions['health-monitor'].function,
      'promote-replica': this.functions['promote-replica'].function,
      'scale-service': this.functions['scale-service'].function,
      'update-dns': this.functions['update-dns'].function,
      notify: this.functions.notify.function,
      approval: this.functions.approval.function,
      'fence-primary': this.functions['fence-primary'].function,
    };
    this.failover = new FailoverStateMachine(this, 'Failover', {
      stateMachineName: failoverStateMachineName(plan),
      functions: taskFunctions,
      notifications: this.notifications,
      ...(props.aslFile ? { aslFile: props.aslFile } : {}),
    });

    this.drills = new Drills(this, 'Drills', {
      plan,
      failoverFunctions: taskFunctions,
      notifications: this.notifications,
      deadLetterQueue: dlq,
      ...(props.functionsRoot ? { functionsRoot: props.functionsRoot } : {}),
      ...(props.drillAslFile ? { aslFile: props.drillAslFile } : {}),
      ...(props.evidenceAccessLogsBucketName
        ? { evidenceAccessLogsBucketName: props.evidenceAccessLogsBucketName }
        : {}),
    });

    this.trafficGate =
      plan.dns.strategy === 'gate'
        ? new TrafficGateAlarm(this, 'TrafficGate', { plan, notifications: this.notifications })
        : undefined;
    this.schedule = new HealthMonitorSchedule(this, 'HealthMonitorSchedule', {
      plan,
      healthMonitor: this.functions['health-monitor'].function,
      deadLetterQueue: dlq,
    });
    // What the people who approve or deny a waiting failover need (attach it to their role).
    this.decidersPolicy = new ManagedPolicy(this, 'DecidersPolicy', {
      managedPolicyName: `${plan.name}-drctl-deciders`,
      description: `drctl approve / deny for plan ${plan.name}: write one decision per waiting run, read the runs`,
      statements: [
        new PolicyStatement({
          sid: 'WriteDecisions',
          actions: ['ssm:PutParameter', 'ssm:GetParameter'],
          resources: [decisionParameterArnPattern(plan)],
        }),
        new PolicyStatement({
          sid: 'ReadRuns',
          actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
          resources: [failoverExecutionArnPattern(plan)],
        }),
        new PolicyStatement({
          sid: 'ListRuns',
          actions: ['states:ListExecutions'],
          resources: [failoverStateMachineArn(plan)],
        }),
      ],
    });
    acknowledge(
      this.decidersPolicy,
      `AwsSolutions-IAM5[Resource::${decisionParameterArnPattern(plan)}]`,
      'One decision parameter per run, named after the execution, which exists only once the run starts; PutParameter never overwrites (drctl writes with Overwrite false).',
    );
    acknowledge(
      this.decidersPolicy,
      `AwsSolutions-IAM5[Resource::${failoverExecutionArnPattern(plan)}]`,
      'Execution names are generated at each start: the ARN can only name the failover state machine. Read-only.',
    );
    this.fenceSchedule = new FunctionSchedule(this, 'FenceSchedule', {
      ruleName: `${plan.name}-fence-primary`,
      description: `Fences the old primary of ${plan.name} once the plan is failed over and ${plan.regions.primary} answers (a no-op otherwise)`,
      everyMinutes: plan.detection.scheduleMinutes,
      target: this.functions['fence-primary'].function,
      deadLetterQueue: dlq,
    });
    this.drDetection = new DrSideDetection(this, 'DrSideDetection', {
      plan,
      probe: this.functions['primary-probe'].function,
      deadLetterQueue: dlq,
    });
    this.trigger = new AlarmTrigger(this, 'AlarmTrigger', {
      plan,
      stateMachine: this.failover.stateMachine,
      notifications: this.notifications,
      deadLetterQueue: dlq,
    });
    this.readinessAlarms = new ReadinessAlarms(this, 'ReadinessAlarms', {
      plan,
      notifications: this.notifications,
    });
    this.watchdogs = new WatchdogAlarms(this, 'Watchdogs', {
      plan,
      notifications: this.notifications,
      watched: [
        {
          name: 'health-monitor',
          function: this.functions['health-monitor'].function,
          everyMinutes: plan.detection.scheduleMinutes,
          heartbeat: healthMetrics(plan).drReadiness,
          silentRuns: 2,
        },
        {
          name: 'primary-probe',
          function: this.functions['primary-probe'].function,
          everyMinutes: plan.detection.probe.scheduleMinutes,
          heartbeat: probeCloudWatchMetric(
            plan,
            'SampleCount',
            Duration.minutes(plan.detection.probe.scheduleMinutes),
          ),
          silentRuns: plan.detection.probe.failedMinutes,
        },
      ],
    });
    this.operationalNotices = new OperationalNotices(this, 'OperationalNotices', {
      plan,
      alarms: props.operationalAlarms ?? operationalAlarmsOutsideOrchestrator(plan),
      notifications: this.notifications,
      deadLetterQueue: dlq,
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
