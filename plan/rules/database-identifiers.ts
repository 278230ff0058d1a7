import type { Plan } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

/**
 * RDS DB instance identifiers are unique per account and region and case-insensitive (RDS
 * stores them in lowercase): two plan databases with one primary identifier, or one replica
 * identifier, name one instance, and the second promotion would act on the first's replica.
 * Primaries all live in regions.primary and replicas in regions.dr, so each role is checked
 * on its own.
 */
export function databaseIdentifierProblems(plan: Plan): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const role of ['primary', 'replica'] as const) {
    const seen = new Map<string, number>();
    plan.databases.forEach((database, index) => {
      const identifier = database[role].identifier;
      const key = identifier.toLowerCase();
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, index);
        return;
      }
      const other = plan.databases[first]?.[role].identifier;
      problems.push(
        problem(
          `databases[${index}].${role}.identifier`,
          `found "${identifier}", already the ${role} of databases[${first}] ("${other}"); RDS identifiers are case-insensitive and unique per region; allowed: an identifier of its own`,
        ),
      );
    });
  }
  return problems;
}
