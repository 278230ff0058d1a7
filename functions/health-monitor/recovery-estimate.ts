import { GATE_ALARM_PERIOD_SECONDS } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * A rough recovery time from the point of no return, for the person who decides: the longer of
 * a replica promotion and a Fargate start-up behind a load balancer, then the traffic switch
 * and the record's TTL. Typical figures, not a promise: the run measures the real one.
 * Sources: docs/local-world-timings.md (RDS promotion "several minutes", ~300 s; Fargate task
 * start-up and ALB health checks ~60-90 s; CloudWatch alarm period 60 s plus Route 53's health
 * checker, or a Route 53 change in sync within 60 s).
 */
const TYPICAL = {
  promotionSeconds: 300,
  serviceStartSeconds: 90,
  healthCheckerSeconds: 30,
  changeInSyncSeconds: 60,
};

export function estimateRecoverySeconds(plan: Plan): number {
  const switchSeconds =
    plan.dns.strategy === 'gate'
      ? GATE_ALARM_PERIOD_SECONDS + TYPICAL.healthCheckerSeconds
      : TYPICAL.changeInSyncSeconds;
  return Math.max(TYPICAL.promotionSeconds, TYPICAL.serviceStartSeconds) + switchSeconds + plan.dns.ttl;
}
