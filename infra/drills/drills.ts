import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionSettings } from '../../plan/function-settings.ts';
import {
  DRILL_NAMESPACE,
  drillGateAlarmName,
  drillGateMetric,
  drillRecordName,
  drillStateMachineName,
  evidenceBucketName,
} from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { drDbInstancesArnPattern, drillCopyArnPattern } from '../config/drill-arns.ts';
import { failoverExecutionArnPattern } from '../config/plan-arns.ts';
import { accountOf } from '../config/plan-environment.ts';
import { DrFunction, type StateMachineFunctionName } from '../lambda/dr-function.ts';
import { acknowledge } from '../nag.ts';
import type { NotificationTopic } from '../orchestrator/notification-topic.ts';
import { gateAlarm } from '../orchestrator/traffic-gate-alarm.ts';
import { DrillSchedule, DrillSweepRule } from './drill-events.ts';
import { drillFunctionStatements } from './drill-policies.ts';
import { DrillStateMachine } from './drill-state-machine.ts';
import { EvidenceBucket } from './evidence-bucket.ts';
import { EvidenceWriter } from './evidence-writer.ts';

export interface DrillsProps {
  plan: Plan;
  /** The failover's Task functions, which the drill reuses (scale-service, notify, ...). */
  failoverFunctions: Record<StateMachineFunctionName, IFunction>;
  notifications: NotificationTopic;
  deadLetterQueue: IQueue;
  functionsRoot?: string;
  /** The DR region's log bucket name, for the evidence bucket's access logs. */
  evidenceAccessLogsBucketName?: string;
  aslFile?: string;
}

/**
 * Drills in the DR region (issue 13): the drill function `<plan>-drill` and its least-privilege
 * role, the drill state machine `<plan>-drill` with its alarms, the drill gate's alarm (the
 * drill name's data-plane switch; its health check and records are in the global stack), the
 * rule that sweeps after a failed, timed-out or aborted drill, the schedule (drills.schedule),
 * the evidence bucket and the evidence function with its rule (the report of every failover and
 * drill run). Nothing here can touch the plan's replicas, the public record or the
 * public gate (infra/drills/drill-policies.ts).
 */
export class Drills extends Construct {
  readonly drillFunction: DrFunction;
  readonly stateMachine: DrillStateMachine;
  readonly gateAlarm: Alarm;
  readonly evidence: EvidenceBucket;
  readonly evidenceWriter: EvidenceWriter;
  readonly sweep: DrillSweepRule;
  readonly schedule: DrillSchedule | undefined;

  constructor(scope: Construct, id: string, props: DrillsProps) {
    super(scope, id);
    const { plan } = props;
    this.drillFunction = new DrFunction(this, 'Drill', {
      name: 'drill',
      plan,
      timeout: Duration.seconds(functionSettings(plan, 'drill').timeoutSeconds),
      deadLetterQueue: props.deadLetterQueue,
      ...(props.functionsRoot ? { functionsRoot: props.functionsRoot } : {}),
    });
    for (const statement of drillFunctionStatements(plan)) {
      this.drillFunction.role.addToPrincipalPolicy(statement);
    }
    this.acknowledgeDrillRole(plan);

    const metric = drillGateMetric(plan);
    this.gateAlarm = gateAlarm(this, 'GateAlarm', {
      alarmName: drillGateAlarmName(plan),
      description: `drctl ${plan.name}: ALARM = drill gate closed, ${drillRecordName(plan)} answers ${plan.application.dr.target}. A drill closes it (PutMetricData ${metric.namespace}/${metric.metricName} 0) and its cleanup opens it (1). The public record and its gate are never touched.`,
      metric,
    });

    const bucketName = evidenceBucketName(plan, accountOf(plan));
    this.evidence = new EvidenceBucket(this, 'Evidence', {
      bucketName,
      retentionDays: plan.drills.evidence.retentionDays,
      ...(props.evidenceAccessLogsBucketName
        ? { accessLogsBucketName: props.evidenceAccessLogsBucketName }
        : {}),
    });

    this.evidenceWriter = new EvidenceWriter(this, 'EvidenceWriter', {
      plan,
      evidence: this.evidence,
      deadLetterQueue: props.deadLetterQueue,
      ...(props.functionsRoot ? { functionsRoot: props.functionsRoot } : {}),
    });

    this.stateMachine = new DrillStateMachine(this, 'StateMachine', {
      stateMachineName: drillStateMachineName(plan),
      functions: { ...props.failoverFunctions, drill: this.drillFunction.function },
      timeout: Duration.minutes(plan.drills.timeoutMinutes),
      notifications: props.notifications,
      evidenceBucketName: bucketName,
      ...(props.aslFile ? { aslFile: props.aslFile } : {}),
    });
    this.sweep = new DrillSweepRule(this, 'Sweep', {
      plan,
      drillStateMachineArn: this.stateMachine.stateMachine.stateMachineArn,
      drillFunction: this.drillFunction.function,
      deadLetterQueue: props.deadLetterQueue,
    });
    this.schedule = plan.drills.schedule
      ? new DrillSchedule(this, 'Schedule', {
          plan,
          expression: plan.drills.schedule,
          drillStateMachine: this.stateMachine.stateMachine,
          deadLetterQueue: props.deadLetterQueue,
        })
      : undefined;
  }

  private acknowledgeDrillRole(plan: Plan): void {
    acknowledge(
      this.drillFunction,
      'AwsSolutions-IAM5[Resource::*]',
      `cloudwatch:GetMetricStatistics (read: replica lag) has no resource type; cloudwatch:PutMetricData has none either, and the cloudwatch:namespace condition limits it to ${DRILL_NAMESPACE} (the drill gate), away from the public gate's namespace.`,
    );
    acknowledge(
      this.drillFunction,
      `AwsSolutions-IAM5[Resource::arn:aws:rds:${plan.regions.dr}:${accountOf(plan)}:subgrp:*]`,
      "rds:CreateDBInstanceReadReplica on DB subnet groups: the copies go into their source replica's subnet group, whose name is generated in the DR stack; the rds:subgrp-tag/drctl:plan condition limits it to this plan's groups.",
    );
    acknowledge(
      this.drillFunction,
      `AwsSolutions-IAM5[Resource::arn:aws:kms:${plan.regions.dr}:${accountOf(plan)}:key/*]`,
      "kms:CreateGrant / kms:DescribeKey for RDS to encrypt a copy with its source replica's key (generated id in the DR stack): only keys tagged drctl:plan with this plan, only through RDS in the DR region (kms:ViaService).",
    );
    acknowledge(
      this.drillFunction,
      `AwsSolutions-IAM5[Resource::${drDbInstancesArnPattern(plan)}]`,
      'rds:DescribeDBInstances (read) without an identifier is authorized on every instance of the region: the sweep lists them to find the drill copies a crashed drill left (RDS cannot filter this call by tag).',
    );
    acknowledge(
      this.drillFunction,
      `AwsSolutions-IAM5[Resource::${drillCopyArnPattern(plan)}]`,
      "rds:DeleteDBInstance / ListTagsForResource on drill copy names only (`*-drill`): the sweep removes the copies a crashed drill left, also of a database since removed from the plan; deletion needs this plan's drctl:plan tag and a drctl:drill tag, which no plan replica carries.",
    );
    acknowledge(
      this.drillFunction,
      `AwsSolutions-IAM5[Resource::${failoverExecutionArnPattern(plan)}]`,
      'states:DescribeExecution (read): a running failover blocks a drill unless its input says dry-run; execution names are generated at each start.',
    );
  }
}
