import { detectionAlarmName, ROUTE53_METRICS_REGION } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { accountOf } from '../config/plan-environment.ts';

export { detectionAlarmName };

/**
 * The alarm that says "the primary region no longer serves": it lives in us-east-1 next to the
 * Route 53 health-check metric, and the orchestrator reacts to its state changes. Its name is
 * derived from the plan (plan/names.ts) so that both sides agree without a cross-region reference.
 */

export function detectionAlarmArn(plan: Plan): string {
  return `arn:aws:cloudwatch:${ROUTE53_METRICS_REGION}:${accountOf(plan)}:alarm:${detectionAlarmName(plan)}`;
}

/** The EventBridge pattern of that alarm entering ALARM (also matched after forwarding to another region). */
export function detectionAlarmPattern(plan: Plan) {
  return {
    source: ['aws.cloudwatch'],
    detailType: ['CloudWatch Alarm State Change'],
    resources: [detectionAlarmArn(plan)],
    detail: { state: { value: ['ALARM'] } },
  };
}
