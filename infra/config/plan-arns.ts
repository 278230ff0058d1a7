import { failoverStateMachineName, gateAlarmName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { stripDot } from '../../plan/schema.ts';
import { accountOf } from './plan-environment.ts';

/**
 * ARNs of the resources the plan names. Roles are built from these, never from wildcards,
 * and they are plain strings so that stacks in other regions can use them without
 * cross-region references.
 */

export function dbInstanceArn(plan: Plan, region: string, identifier: string): string {
  return `arn:aws:rds:${region}:${accountOf(plan)}:db:${identifier.toLowerCase()}`;
}

export function primaryDbArns(plan: Plan): string[] {
  return plan.databases.map((db) => dbInstanceArn(plan, db.primary.region, db.primary.identifier));
}

export function replicaDbArns(plan: Plan): string[] {
  return plan.databases.map((db) => dbInstanceArn(plan, db.replica.region, db.replica.identifier));
}

export function ecsClusterArn(plan: Plan, region: string, cluster: string): string {
  return `arn:aws:ecs:${region}:${accountOf(plan)}:cluster/${cluster}`;
}

export function ecsServiceArn(plan: Plan, region: string, cluster: string, service: string): string {
  return `arn:aws:ecs:${region}:${accountOf(plan)}:service/${cluster}/${service}`;
}

export function ecsTaskArnPattern(plan: Plan, region: string, cluster: string): string {
  return `arn:aws:ecs:${region}:${accountOf(plan)}:task/${cluster}/*`;
}

/** The DR services the failover scales, grouped by their cluster. */
export function drServicesByCluster(plan: Plan): Map<string, string[]> {
  const byCluster = new Map<string, string[]>();
  for (const service of plan.services) {
    byCluster.set(service.cluster, [...(byCluster.get(service.cluster) ?? []), service.service]);
  }
  return byCluster;
}

export function hostedZoneArn(plan: Plan): string {
  return `arn:aws:route53:::hostedzone/${plan.dns.hostedZoneId}`;
}

/** Route 53 compares record names lowercased and without the trailing dot in IAM conditions. */
export function normalizedRecordName(name: string): string {
  return stripDot(name).toLowerCase();
}

export function topicArn(plan: Plan): string {
  return `arn:aws:sns:${plan.regions.dr}:${accountOf(plan)}:${plan.notifications.topicName}`;
}

export function defaultEventBusArn(plan: Plan, region: string): string {
  return `arn:aws:events:${region}:${accountOf(plan)}:event-bus/default`;
}

export function alarmArn(plan: Plan, region: string, alarmName: string): string {
  return `arn:aws:cloudwatch:${region}:${accountOf(plan)}:alarm:${alarmName}`;
}

/** The traffic gate alarm (dns.strategy gate), in the DR region. */
export function gateAlarmArn(plan: Plan): string {
  return alarmArn(plan, plan.regions.dr, gateAlarmName(plan));
}

/** Built from the plan's name, not from the construct: the functions it invokes may read it. */
export function failoverStateMachineArn(plan: Plan): string {
  return `arn:aws:states:${plan.regions.dr}:${accountOf(plan)}:stateMachine:${failoverStateMachineName(plan)}`;
}

/** Every execution of the failover state machine (execution names are generated per start). */
export function failoverExecutionArnPattern(plan: Plan): string {
  return `arn:aws:states:${plan.regions.dr}:${accountOf(plan)}:execution:${failoverStateMachineName(plan)}:*`;
}

export function ruleArn(plan: Plan, region: string, ruleName: string): string {
  return `arn:aws:events:${region}:${accountOf(plan)}:rule/${ruleName}`;
}

/** Which region serves now, for a deploy (deployment.activeRegion, default primary). */
export function activeRegionOf(plan: Plan): 'primary' | 'dr' {
  return plan.deployment?.activeRegion ?? 'primary';
}

/** The decision parameters of this plan's runs (plan/names.ts decisionParameterName). */
export function decisionParameterArnPattern(plan: Plan): string {
  return `arn:aws:ssm:${plan.regions.dr}:${accountOf(plan)}:parameter/drctl/${plan.name}/decisions/*`;
}

/** Parameter groups in the primary region (their names are generated; a tag condition narrows them). */
export function primaryParameterGroupArnPattern(plan: Plan): string {
  return `arn:aws:rds:${plan.regions.primary}:${accountOf(plan)}:pg:*`;
}
