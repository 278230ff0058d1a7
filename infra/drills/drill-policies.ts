import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { DRILL_EXECUTION_TAG, DRILL_NAMESPACE, DRILL_PLAN_TAG } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import {
  canaryFunctionArn,
  drDbInstancesArnPattern,
  drillCopyArnPattern,
  drillCopyArns,
  drillGateAlarmArn,
  drillStateMachineArn,
  drKeyArnPattern,
  drSubnetGroupArnPattern,
} from '../config/drill-arns.ts';
import {
  drServicesByCluster,
  ecsClusterArn,
  ecsServiceArn,
  failoverExecutionArnPattern,
  failoverStateMachineArn,
  gateAlarmArn,
  replicaDbArns,
} from '../config/plan-arns.ts';

/**
 * The drill function's statements (`<plan>-drill`, DR region), from the plan alone. It may
 * create, promote and delete only the drill copies (`<replica>-drill`), create them only from
 * the plan's DR replicas and only with this plan's drill tags, write only the drill gate's
 * namespace, and scale only the DR services. It has no grant on the plan replicas'
 * PromoteReadReplica or DeleteDBInstance, on Route 53, or on the public gate's namespace.
 * Resource types and condition keys: IAM Service Authorization Reference for Amazon RDS, AWS KMS,
 * Amazon CloudWatch, Amazon ECS, AWS Step Functions, AWS Lambda.
 */
export function drillFunctionStatements(plan: Plan): PolicyStatement[] {
  const copies = drillCopyArns(plan);
  const tagged = { [`rds:db-tag/${DRILL_PLAN_TAG}`]: plan.name };
  return [
    new PolicyStatement({
      // RDS authorizes CreateDBInstanceReadReplica on the new instance's ARN (and on its tags):
      // only the copy names, only with this plan's two drill tags on the request.
      sid: 'CreateDrillCopiesOnly',
      actions: ['rds:CreateDBInstanceReadReplica', 'rds:AddTagsToResource'],
      resources: copies,
      conditions: {
        StringEquals: { [`aws:RequestTag/${DRILL_PLAN_TAG}`]: plan.name },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [DRILL_PLAN_TAG, DRILL_EXECUTION_TAG] },
        Null: { [`aws:RequestTag/${DRILL_EXECUTION_TAG}`]: 'false' },
      },
    }),
    new PolicyStatement({
      // ... and on the source instance's ARN: a copy is a cascading replica of a plan DR replica.
      // As a target this ARN is useless (the replica exists, RDS refuses the name), and the same
      // tag conditions apply. No other action on the plan replicas is granted here.
      sid: 'FromPlanReplicasAsSource',
      actions: ['rds:CreateDBInstanceReadReplica'],
      resources: replicaDbArns(plan),
      conditions: { StringEquals: { [`aws:RequestTag/${DRILL_PLAN_TAG}`]: plan.name } },
    }),
    new PolicyStatement({
      // The copy goes into its source's DB subnet group (generated names in the DR stack): this
      // plan's groups only, by their drctl:plan tag.
      sid: 'CopiesInPlanSubnetGroups',
      actions: ['rds:CreateDBInstanceReadReplica'],
      resources: [drSubnetGroupArnPattern(plan)],
      conditions: { StringEquals: { [`rds:subgrp-tag/${DRILL_PLAN_TAG}`]: plan.name } },
    }),
    ...encryptCopiesStatements(plan),
    new PolicyStatement({
      // This drill's copies only: promoted (timed), never a plan replica.
      sid: 'PromoteDrillCopiesOnly',
      actions: ['rds:PromoteReadReplica'],
      resources: copies,
      conditions: { StringEquals: tagged, Null: { [`rds:db-tag/${DRILL_EXECUTION_TAG}`]: 'false' } },
    }),
    new PolicyStatement({
      // Cleanup and the sweep delete drill copies, also those a crashed drill left for a database
      // since removed from the plan: any `*-drill` name, only with this plan's drill tags (a plan
      // replica carries no drctl:drill tag, and this role cannot add one to it).
      sid: 'DeleteDrillCopiesOnly',
      actions: ['rds:DeleteDBInstance'],
      resources: [drillCopyArnPattern(plan)],
      conditions: { StringEquals: tagged, Null: { [`rds:db-tag/${DRILL_EXECUTION_TAG}`]: 'false' } },
    }),
    new PolicyStatement({
      // The sweep lists the region's instances (RDS has no tag filter on DescribeDBInstances,
      // which is then authorized on db:*): read only.
      sid: 'ListInstances',
      actions: ['rds:DescribeDBInstances'],
      resources: [drDbInstancesArnPattern(plan)],
    }),
    new PolicyStatement({
      sid: 'ReadDrillCopyTags',
      actions: ['rds:ListTagsForResource'],
      resources: [drillCopyArnPattern(plan)],
    }),
    new PolicyStatement({
      // GetMetricStatistics has no resource type: AWS only accepts "*". Read-only (replica lag).
      sid: 'ReadReplicaLag',
      actions: ['cloudwatch:GetMetricStatistics'],
      resources: ['*'],
    }),
    new PolicyStatement({
      // PutMetricData has no resource type; cloudwatch:namespace is the only scope IAM offers
      // (no metric-name or dimension key). The drill gate has a namespace of its own, so the
      // public gate (namespace drctl) is out of reach.
      sid: 'SwitchDrillGateOnly',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': DRILL_NAMESPACE } },
    }),
    new PolicyStatement({
      // The drill gate's state; the public gate's only to refuse a drill while failed over.
      sid: 'ReadGates',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [drillGateAlarmArn(plan), ...(plan.dns.strategy === 'gate' ? [gateAlarmArn(plan)] : [])],
    }),
    ...[...drServicesByCluster(plan)].map(
      ([cluster, services]) =>
        new PolicyStatement({
          // Cleanup scales the DR services back to the pilot light (the scale-up is scale-service's).
          sid: `PilotLightServices${statementId(cluster)}`,
          actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
          resources: services.map((service) => ecsServiceArn(plan, plan.regions.dr, cluster, service)),
          conditions: { ArnEquals: { 'ecs:cluster': ecsClusterArn(plan, plan.regions.dr, cluster) } },
        }),
    ),
    new PolicyStatement({
      // One drill at a time, never during a failover: the executions of both machines, read only.
      sid: 'ListRuns',
      actions: ['states:ListExecutions'],
      resources: [failoverStateMachineArn(plan), drillStateMachineArn(plan)],
    }),
    new PolicyStatement({
      // A running failover blocks a drill unless it is a dry-run: its input says (read only).
      sid: 'ReadFailoverRunInputs',
      actions: ['states:DescribeExecution'],
      resources: [failoverExecutionArnPattern(plan)],
    }),
    ...(plan.drills.canary.enabled
      ? [
          new PolicyStatement({
            // Heartbeats: the writer answers for the primaries, the reader for the promoted copies.
            sid: 'ReadHeartbeats',
            actions: ['lambda:InvokeFunction'],
            resources: [canaryFunctionArn(plan, 'writer'), canaryFunctionArn(plan, 'reader')],
          }),
        ]
      : []),
  ];
}

/**
 * A copy of an encrypted replica is encrypted with the replica's key, and RDS uses the key with
 * the caller's permissions (RDS User Guide, "AWS KMS key management": kms:CreateGrant and
 * kms:DescribeKey). This plan's keys only (drctl:plan tag), only through RDS in the DR region,
 * grants only for AWS resources.
 */
function encryptCopiesStatements(plan: Plan): PolicyStatement[] {
  const scope = {
    [`aws:ResourceTag/${DRILL_PLAN_TAG}`]: plan.name,
    'kms:ViaService': `rds.${plan.regions.dr}.amazonaws.com`,
  };
  return [
    new PolicyStatement({
      sid: 'DescribeReplicaKeysThroughRds',
      actions: ['kms:DescribeKey'],
      resources: [drKeyArnPattern(plan)],
      conditions: { StringEquals: scope },
    }),
    new PolicyStatement({
      sid: 'GrantReplicaKeysToRds',
      actions: ['kms:CreateGrant'],
      resources: [drKeyArnPattern(plan)],
      conditions: { StringEquals: scope, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  ];
}

/** Statement ids allow only letters and digits. */
export function statementId(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
