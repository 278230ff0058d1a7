import type { Plan } from '../schema.ts';
import { AWS_PARTITION_REGIONS, OTHER_PARTITIONS } from './aws-regions.ts';
import { type PlanProblem, problem } from './problem.ts';

const KNOWN = new Set(AWS_PARTITION_REGIONS);
const ROLES = ['primary', 'dr'] as const;

/**
 * Both regions exist in the aws partition, and the plan's availability zones belong to their
 * region (an AZ name is the Region's name and a letter) and are not listed twice.
 */
export function regionProblems(plan: Plan): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const role of ROLES) {
    const region = plan.regions[role];
    if (KNOWN.has(region)) continue;
    const other = OTHER_PARTITIONS.find((p) => p.pattern.test(region));
    problems.push(
      problem(
        `regions.${role}`,
        other
          ? `found ${region}, a Region of the ${other.partition} partition: drctl deploys to the aws partition (arn:aws:..., Route 53's control plane in us-east-1); allowed: an aws Region such as us-east-1 or us-west-2`
          : `found ${region}, which is not a Region of the aws partition; allowed: ${AWS_PARTITION_REGIONS.join(', ')}`,
      ),
    );
  }
  const zones = plan.deployment?.availabilityZones;
  if (zones) {
    for (const role of ROLES) {
      const region = plan.regions[role];
      const seen = new Set<string>();
      zones[role].forEach((zone, index) => {
        const field = `deployment.availabilityZones.${role}[${index}]`;
        if (!new RegExp(`^${region}[a-z]$`).test(zone)) {
          problems.push(
            problem(
              field,
              `found ${zone}, not a zone of regions.${role} (${region}); allowed: ${region}a, ${region}b, ...`,
            ),
          );
        } else if (seen.has(zone)) {
          problems.push(problem(field, `found ${zone} twice; each zone may be listed once`));
        }
        seen.add(zone);
      });
    }
  }
  return problems;
}
