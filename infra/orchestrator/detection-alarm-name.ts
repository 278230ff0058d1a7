import { detectionAlarmName, detectionAlarms, ROUTE53_METRICS_REGION } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { alarmArn } from '../config/plan-arns.ts';

export { detectionAlarmName };

/**
 * The alarms that say "the primary region no longer serves" (plan/names.ts detectionAlarms): the
 * fast path in us-east-1 next to the Route 53 health-check metric, the DR-side path in the DR
 * region. Their names come from the plan, so every side agrees without cross-region references.
 */

/** The fast-path alarm (Route 53 health check of the primary endpoint), in us-east-1. */
export function detectionAlarmArn(plan: Plan): string {
  return alarmArn(plan, ROUTE53_METRICS_REGION, detectionAlarmName(plan));
}

/** Every detection alarm's ARN, fast path first. */
export function detectionAlarmArns(plan: Plan): string[] {
  return detectionAlarms(plan).map((alarm) => alarmArn(plan, alarm.region, alarm.name));
}

/** The EventBridge pattern of any of these alarms entering ALARM (also after forwarding to another region). */
export function alarmEntersAlarmPattern(arns: readonly string[]) {
  return {
    source: ['aws.cloudwatch'],
    detailType: ['CloudWatch Alarm State Change'],
    resources: [...arns],
    detail: { state: { value: ['ALARM'] } },
  };
}

/** Either detection path entering ALARM: one rule, so both paths reach the same state machine. */
export function detectionAlarmPattern(plan: Plan) {
  return alarmEntersAlarmPattern(detectionAlarmArns(plan));
}
