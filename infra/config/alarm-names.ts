import { ROUTE53_METRICS_REGION } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * Names of the alarms that only tell people something (they never start a failover), and where
 * they live. Alarms outside the DR region cannot notify the DR topic themselves (an alarm's SNS
 * action must be in its own region), so their ALARM events travel to the DR region's event bus,
 * where one rule turns them into notices: both sides derive the names from here.
 */

export type DeadLetterQueueOwner = 'orchestrator' | 'global' | 'primary';

export function deadLetterAlarmName(plan: Plan, owner: DeadLetterQueueOwner): string {
  return `${plan.name}-${owner}-dead-letters`;
}

export function assetsReplicationAlarmNames(plan: Plan) {
  return {
    failed: `${plan.name}-assets-replication-failed`,
    late: `${plan.name}-assets-replication-late`,
  };
}

export function functionErrorsAlarmName(plan: Plan, functionName: string): string {
  return `${plan.name}-${functionName}-errors`;
}

export function functionSilentAlarmName(plan: Plan, functionName: string): string {
  return `${plan.name}-${functionName}-no-data`;
}

/** The DR rule that turns forwarded operational alarms into notices. */
export function operationalNoticeRuleName(plan: Plan): string {
  return `${plan.name}-notify-operational-alarms`;
}

export interface PlacedAlarm {
  name: string;
  region: string;
}

/** The global stack's notify-only alarms (us-east-1). */
export function globalOperationalAlarms(plan: Plan): PlacedAlarm[] {
  return [{ name: deadLetterAlarmName(plan, 'global'), region: ROUTE53_METRICS_REGION }];
}

/**
 * The primary region's notify-only alarms: the primary foundation stack's, and the write canary's
 * errors (primary application stack) when the canary is on.
 */
export function primaryOperationalAlarms(plan: Plan): PlacedAlarm[] {
  const replication = assetsReplicationAlarmNames(plan);
  return [
    { name: replication.failed, region: plan.regions.primary },
    { name: replication.late, region: plan.regions.primary },
    { name: deadLetterAlarmName(plan, 'primary'), region: plan.regions.primary },
    ...(plan.drills.canary.enabled
      ? [{ name: functionErrorsAlarmName(plan, 'canary'), region: plan.regions.primary }]
      : []),
  ];
}

/** Every notify-only alarm of the reference app that lives outside the orchestrator stack. */
export function operationalAlarmsOutsideOrchestrator(plan: Plan): PlacedAlarm[] {
  return [...globalOperationalAlarms(plan), ...primaryOperationalAlarms(plan)];
}
