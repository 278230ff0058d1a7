import type { Plan } from '../../plan/schema.ts';

/**
 * How long a step's poll loop can look finished between two status checks: the plan's longest
 * poll interval plus slack for the check itself. After that, a step that looks ended has ended.
 */
export function quietPeriodMs(plan: Plan): number {
  return (Math.max(...Object.values(plan.failover.pollSeconds)) + 15) * 1000;
}
