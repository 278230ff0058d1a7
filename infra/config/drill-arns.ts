import {
  canaryFunctionName,
  drillCopyIdentifier,
  drillGateAlarmName,
  drillStateMachineName,
  evidenceBucketName,
} from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { alarmArn, dbInstanceArn } from './plan-arns.ts';
import { accountOf } from './plan-environment.ts';

/**
 * ARNs of the drill's resources, built from the plan's names as plain strings (like
 * plan-arns.ts), so that a role in one stack can name a resource of another stack or region
 * without a cross-stack reference.
 */

/** The drill copy of each plan database, in the DR region (plan/names.ts drillCopyIdentifier). */
export function drillCopyArns(plan: Plan): string[] {
  return plan.databases.map((db) =>
    dbInstanceArn(plan, plan.regions.dr, drillCopyIdentifier(db.replica.identifier)),
  );
}

/**
 * Every drill copy name in the DR region (`*-drill`, what isDrillCopyIdentifier accepts): the
 * sweep lists, reads the tags of and deletes the copies a crashed drill left, also of a database
 * since removed from the plan. Tag conditions keep it to this plan's copies.
 */
export function drillCopyArnPattern(plan: Plan): string {
  return dbInstanceArn(plan, plan.regions.dr, drillCopyIdentifier('*'));
}

/** Every DB instance of the DR region: DescribeDBInstances without an identifier (the sweep's listing) is authorized on it. */
export function drDbInstancesArnPattern(plan: Plan): string {
  return dbInstanceArn(plan, plan.regions.dr, '*');
}

export function drillStateMachineArn(plan: Plan): string {
  return `arn:aws:states:${plan.regions.dr}:${accountOf(plan)}:stateMachine:${drillStateMachineName(plan)}`;
}

/** Every execution of the drill state machine (names are generated per start). */
export function drillExecutionArnPattern(plan: Plan): string {
  return `arn:aws:states:${plan.regions.dr}:${accountOf(plan)}:execution:${drillStateMachineName(plan)}:*`;
}

export function drillGateAlarmArn(plan: Plan): string {
  return alarmArn(plan, plan.regions.dr, drillGateAlarmName(plan));
}

/** The canary writer lives in the primary region, the reader in the DR region. */
export function canaryFunctionArn(plan: Plan, role: 'writer' | 'reader'): string {
  const region = role === 'writer' ? plan.regions.primary : plan.regions.dr;
  return `arn:aws:lambda:${region}:${accountOf(plan)}:function:${canaryFunctionName(plan, role)}`;
}

export function evidenceBucketArn(plan: Plan): string {
  return `arn:aws:s3:::${evidenceBucketName(plan, accountOf(plan))}`;
}

/** RDS DB subnet groups of the DR region (their names are generated; a tag condition narrows them). */
export function drSubnetGroupArnPattern(plan: Plan): string {
  return `arn:aws:rds:${plan.regions.dr}:${accountOf(plan)}:subgrp:*`;
}

/** KMS keys of the DR region (their ids are generated; tag and service conditions narrow them). */
export function drKeyArnPattern(plan: Plan): string {
  return `arn:aws:kms:${plan.regions.dr}:${accountOf(plan)}:key/*`;
}
