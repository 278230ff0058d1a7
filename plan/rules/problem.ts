import type { Plan } from '../schema.ts';

/**
 * One thing in a schema-valid plan that AWS would refuse (at deploy or, worse, in the middle of a
 * failover). `message` says what was found and what is allowed; `field` is the plan path.
 */
export interface PlanProblem {
  field: string;
  message: string;
}

/** A rule reads the validated plan and returns its problems (none when the plan passes). */
export type PlanRule = (plan: Plan) => PlanProblem[];

export function problem(field: string, message: string): PlanProblem {
  return { field, message };
}
