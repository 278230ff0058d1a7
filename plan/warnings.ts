import { ROUTE53_CONTROL_PLANE_REGION } from './names.ts';
import type { Plan } from './schema.ts';

/**
 * Things a valid plan allows that an operator should know before trusting it: each warning names
 * the field, the risk and the fix. They never stop a run.
 */
export function planWarnings(plan: Plan): string[] {
  const warnings: string[] = [];
  if (plan.dns.strategy !== 'gate' && plan.regions.primary === ROUTE53_CONTROL_PLANE_REGION) {
    warnings.push(
      `dns.strategy: "${plan.dns.strategy}" moves traffic through the Route 53 API, whose control plane is in ${ROUTE53_CONTROL_PLANE_REGION}, the primary region of this plan: an outage of ${ROUTE53_CONTROL_PLANE_REGION} would leave the failover unable to move traffic. Use dns.strategy: gate (a data-plane switch from ${plan.regions.dr}).`,
    );
  }
  return warnings;
}
