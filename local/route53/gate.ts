import type { Plan } from '../../plan/schema.ts';
import { healthCheckId } from './health-checks.ts';

/**
 * The traffic gate's Route 53 health check (dns.strategy gate): a CLOUDWATCH_METRIC check on the
 * gate alarm in the DR region that the PRIMARY failover record carries. Route 53 gives health
 * checks ids, not names; the world derives a stable id from the plan and tags it with a Name.
 */
export function gateHealthCheckId(plan: Plan): string {
  return healthCheckId(plan.name, 'traffic-gate');
}

export function gateHealthCheckName(plan: Plan): string {
  return `${plan.name}-traffic-gate`;
}

/** The drill gate's CLOUDWATCH_METRIC health check (on the drill gate alarm), gating the drill name's PRIMARY record. */
export function drillGateHealthCheckId(plan: Plan): string {
  return healthCheckId(plan.name, 'drill-gate');
}

export function drillGateHealthCheckName(plan: Plan): string {
  return `${plan.name}-drill-gate`;
}
