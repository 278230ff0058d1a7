import type { Plan } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

/**
 * An ECS service name is unique within its cluster: two plan services with one cluster/service
 * pair are one ECS service, scaled twice to different counts. Checked in the DR region
 * (cluster, service) and in the primary region (primary.cluster, primary.service).
 */
export function serviceNameProblems(plan: Plan): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const dr = new Map<string, number>();
  const primary = new Map<string, number>();
  plan.services.forEach((service, index) => {
    const drPair = `${service.cluster}/${service.service}`;
    const drFirst = dr.get(drPair);
    if (drFirst === undefined) dr.set(drPair, index);
    else {
      problems.push(
        problem(
          `services[${index}].service`,
          `found cluster/service "${drPair}" in ${plan.regions.dr}, already services[${drFirst}]; ECS service names are unique within a cluster; allowed: another service name or cluster`,
        ),
      );
    }
    const primaryPair = `${service.primary.cluster}/${service.primary.service}`;
    const primaryFirst = primary.get(primaryPair);
    if (primaryFirst === undefined) primary.set(primaryPair, index);
    else {
      problems.push(
        problem(
          `services[${index}].primary.service`,
          `found cluster/service "${primaryPair}" in ${plan.regions.primary}, already services[${primaryFirst}].primary; ECS service names are unique within a cluster; allowed: another service name or cluster`,
        ),
      );
    }
  });
  return problems;
}
