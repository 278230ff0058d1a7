import type { Plan } from '../schema.ts';
import { dnsKey, isInZone } from './dns-names.ts';
import { type PlanProblem, problem } from './problem.ts';

const ROLES = ['primary', 'dr'] as const;

/**
 * The regional names the public record points at. The CDK app creates them as alias records
 * (to each region's load balancer) in the plan's hosted zone, so they must be names of that
 * zone; the public record itself cannot be one of them (it would point at itself), and the two
 * regions need two names (DNS names ignore case).
 */
export function regionalTargetProblems(plan: Plan): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const zone = dnsKey(plan.dns.zoneName);
  for (const role of ROLES) {
    const target = plan.application[role].target;
    const field = `application.${role}.target`;
    if (!isInZone(target, zone)) {
      problems.push(
        problem(
          field,
          `found "${target}", outside the hosted zone ${zone}: the CDK app creates this name as an alias record in dns.hostedZoneId; allowed: a name in ${zone}, such as ${role}.${zone}`,
        ),
      );
    }
    if (dnsKey(target) === dnsKey(plan.dns.record)) {
      problems.push(
        problem(
          field,
          `found "${target}", the public record dns.record itself: the record would point at itself; allowed: a regional name such as ${role}.${zone}`,
        ),
      );
    }
  }
  const { primary, dr } = plan.application;
  if (primary.target !== dr.target && dnsKey(primary.target) === dnsKey(dr.target)) {
    problems.push(
      problem(
        'application.dr.target',
        `found "${dr.target}", the same DNS name as application.primary.target ("${primary.target}") but for case; DNS names ignore case, so both regions would share one name; allowed: a name of its own, such as dr.${zone}`,
      ),
    );
  }
  return problems;
}
