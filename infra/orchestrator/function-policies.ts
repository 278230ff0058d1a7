import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Plan } from '../../plan/schema.ts';
import {
  decisionParameterArnPattern,
  drServicesByCluster,
  ecsClusterArn,
  ecsServiceArn,
  ecsTaskArnPattern,
  failoverExecutionArnPattern,
  failoverStateMachineArn,
  gateAlarmArn,
  hostedZoneArn,
  normalizedRecordName,
  primaryDbArns,
  primaryParameterGroupArnPattern,
  replicaDbArns,
} from '../config/plan-arns.ts';
import { detectionAlarmArns } from './detection-alarm-name.ts';
import { METRICS_NAMESPACE } from './health-metrics.ts';

/**
 * The least-privilege statements of each function, built from the plan alone. Resource types
 * and condition keys follow the IAM Service Authorization Reference for RDS, ECS, Route 53,
 * CloudWatch and SNS.
 */

export function healthMonitorStatements(plan: Plan): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: 'DescribePlanDatabases',
      actions: ['rds:DescribeDBInstances'],
      resources: [...primaryDbArns(plan), ...replicaDbArns(plan)],
    }),
    new PolicyStatement({
      // GetMetricStatistics has no resource type: AWS only accepts "*". Read-only.
      sid: 'ReadReplicaLag',
      actions: ['cloudwatch:GetMetricStatistics'],
      resources: ['*'],
    }),
    publishDrctlMetrics('PublishDrctlMetrics'),
    ...describeDrServices(plan, 'DescribeDrServices'),
    new PolicyStatement({
      // Preflight's one-run-at-a-time lock and cooldown: the failover executions, read only. The
      // ARNs are built from the state machine's name, so the role does not depend on the machine
      // (which depends on this function).
      sid: 'ListFailoverExecutions',
      actions: ['states:ListExecutions'],
      resources: [failoverStateMachineArn(plan)],
    }),
    new PolicyStatement({
      sid: 'DescribeFailoverExecutions',
      actions: ['states:DescribeExecution'],
      resources: [failoverExecutionArnPattern(plan)],
    }),
    new PolicyStatement({
      // Preflight dates the detection (an AWS run's RTO starts there): both detection alarms, read only.
      sid: 'ReadDetectionAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: detectionAlarmArns(plan),
    }),
    ...(plan.dns.strategy === 'gate'
      ? [
          new PolicyStatement({
            // Preflight and the monitor read the gate; the monitor re-asserts a closed gate.
            sid: 'ReadTrafficGate',
            actions: ['cloudwatch:DescribeAlarms'],
            resources: [gateAlarmArn(plan)],
          }),
        ]
      : [
          new PolicyStatement({
            sid: 'ReadPlanZone',
            actions: ['route53:ListResourceRecordSets'],
            resources: [hostedZoneArn(plan)],
          }),
        ]),
  ];
}

/** approval reads the decision parameters of this plan's runs in the DR region, nothing else. */
export function approvalStatements(plan: Plan): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: 'ReadRunDecisions',
      actions: ['ssm:GetParameter'],
      resources: [decisionParameterArnPattern(plan)],
    }),
    new PolicyStatement({
      // DescribeParameters has no resource type: AWS only accepts "*". Read-only (metadata: who
      // wrote a parameter and when).
      sid: 'ReadDecisionAuthors',
      actions: ['ssm:DescribeParameters'],
      resources: ['*'],
    }),
  ];
}

/**
 * fence-primary: the old primary's services to 0 and its databases' parameter groups read only,
 * in the primary region; reads of the DR side to know the plan is failed over and the recovery
 * complete. Parameter group names are generated at deploy time: the tag condition keeps the
 * grant to this plan's groups.
 */
export function fencePrimaryStatements(plan: Plan): PolicyStatement[] {
  const services = plan.services.map((s) => ({ cluster: s.primary.cluster, service: s.primary.service }));
  const clusters = [...new Set(services.map((s) => s.cluster))];
  return [
    ...clusters.map(
      (cluster) =>
        new PolicyStatement({
          sid: `FencePrimaryServices${statementId(cluster)}`,
          actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
          resources: services
            .filter((s) => s.cluster === cluster)
            .map((s) => ecsServiceArn(plan, plan.regions.primary, cluster, s.service)),
          conditions: { ArnEquals: { 'ecs:cluster': ecsClusterArn(plan, plan.regions.primary, cluster) } },
        }),
    ),
    new PolicyStatement({
      sid: 'DescribePlanDatabases',
      actions: ['rds:DescribeDBInstances'],
      resources: [...primaryDbArns(plan), ...replicaDbArns(plan)],
    }),
    new PolicyStatement({
      sid: 'FencePrimaryParameterGroups',
      actions: ['rds:DescribeDBParameters', 'rds:ModifyDBParameterGroup'],
      resources: [primaryParameterGroupArnPattern(plan)],
      conditions: { StringEquals: { 'rds:pg-tag/drctl:plan': plan.name } },
    }),
    ...describeDrServices(plan, 'DescribeDrServices'),
    readFailoverRunHistory(plan),
    ...(plan.dns.strategy === 'gate'
      ? [
          new PolicyStatement({
            sid: 'ReadTrafficGate',
            actions: ['cloudwatch:DescribeAlarms'],
            resources: [gateAlarmArn(plan)],
          }),
        ]
      : []),
  ];
}

/**
 * The failover runs' histories, read only: a task that cannot be undone checks that its run is
 * past the point of no return (functions/shared/run-guard.ts). Built from the state machine's
 * name, so the role does not depend on the machine (which depends on the function).
 */
function readFailoverRunHistory(plan: Plan): PolicyStatement {
  return new PolicyStatement({
    sid: 'ReadFailoverRunHistory',
    actions: ['states:GetExecutionHistory'],
    resources: [failoverExecutionArnPattern(plan)],
  });
}

/** primary-probe publishes what it sees of the primary from the DR region, nothing else. */
export function primaryProbeStatements(): PolicyStatement[] {
  return [publishDrctlMetrics('PublishProbeResult')];
}

export function promoteReplicaStatements(plan: Plan): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: 'PromotePlanReplicas',
      actions: ['rds:DescribeDBInstances', 'rds:PromoteReadReplica'],
      resources: replicaDbArns(plan),
    }),
    readFailoverRunHistory(plan),
  ];
}

export function scaleServiceStatements(plan: Plan): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  for (const [cluster, services] of drServicesByCluster(plan)) {
    const clusterArn = ecsClusterArn(plan, plan.regions.dr, cluster);
    const id = statementId(cluster);
    statements.push(
      new PolicyStatement({
        sid: `ScaleDrServices${id}`,
        actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
        resources: services.map((service) => ecsServiceArn(plan, plan.regions.dr, cluster, service)),
        conditions: { ArnEquals: { 'ecs:cluster': clusterArn } },
      }),
      new PolicyStatement({
        // ListTasks is authorized on container instances, which Fargate has none of: AWS requires "*"
        // here. Read-only, and the cluster condition keeps it to the plan's cluster.
        sid: `ListDrTasks${id}`,
        actions: ['ecs:ListTasks'],
        resources: ['*'],
        conditions: { ArnEquals: { 'ecs:cluster': clusterArn } },
      }),
      new PolicyStatement({
        sid: `DescribeDrTasks${id}`,
        actions: ['ecs:DescribeTasks'],
        resources: [ecsTaskArnPattern(plan, plan.regions.dr, cluster)],
        conditions: { ArnEquals: { 'ecs:cluster': clusterArn } },
      }),
    );
  }
  return statements;
}

export function updateDnsStatements(plan: Plan): PolicyStatement[] {
  return [
    ...(plan.dns.strategy === 'gate' ? gateSwitchStatements(plan) : route53SwitchStatements(plan)),
    readFailoverRunHistory(plan),
  ];
}

/**
 * The gate strategy switches traffic on CloudWatch's data plane in the DR region: read the gate
 * alarm, write the gate metric. No Route 53 permission at all, so a regression to the Route 53
 * API (control plane in us-east-1) fails in a drill instead of silently depending on it.
 */
function gateSwitchStatements(plan: Plan): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: 'ReadTrafficGate',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [gateAlarmArn(plan)],
    }),
    publishDrctlMetrics('CloseTrafficGate'),
  ];
}

function route53SwitchStatements(plan: Plan): PolicyStatement[] {
  const zone = hostedZoneArn(plan);
  return [
    new PolicyStatement({
      sid: 'ReadPlanZone',
      actions: ['route53:ListResourceRecordSets'],
      resources: [zone],
    }),
    new PolicyStatement({
      sid: 'UpsertPlanRecordOnly',
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [zone],
      conditions: {
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': [normalizedRecordName(plan.dns.record)],
          'route53:ChangeResourceRecordSetsRecordTypes': [plan.dns.type],
          'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
        },
      },
    }),
    new PolicyStatement({
      // Never delete or empty a record, whatever another statement may allow later.
      sid: 'NeverDeleteRecords',
      effect: Effect.DENY,
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [zone],
      conditions: { 'ForAnyValue:StringEquals': { 'route53:ChangeResourceRecordSetsActions': ['DELETE'] } },
    }),
    new PolicyStatement({
      sid: 'WatchChanges',
      actions: ['route53:GetChange'],
      resources: ['arn:aws:route53:::change/*'],
    }),
  ];
}

/**
 * PutMetricData has no resource type: AWS only accepts "*". The cloudwatch:namespace condition
 * is the only scope IAM offers (there is no metric-name condition key).
 */
function publishDrctlMetrics(sid: string): PolicyStatement {
  return new PolicyStatement({
    sid,
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': METRICS_NAMESPACE } },
  });
}

function describeDrServices(plan: Plan, sid: string): PolicyStatement[] {
  return [...drServicesByCluster(plan)].map(
    ([cluster, services]) =>
      new PolicyStatement({
        sid: `${sid}${statementId(cluster)}`,
        actions: ['ecs:DescribeServices'],
        resources: services.map((service) => ecsServiceArn(plan, plan.regions.dr, cluster, service)),
        conditions: { ArnEquals: { 'ecs:cluster': ecsClusterArn(plan, plan.regions.dr, cluster) } },
      }),
  );
}

/** Statement ids allow only letters and digits. */
function statementId(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
