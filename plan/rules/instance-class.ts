import type { Plan } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

/**
 * deployment.dbInstanceClass names every database's RDS instance class: `db.`, a family (a
 * letter class, a generation digit and attribute letters: t4g, m6gd, r6idn, x2iedn) and a size
 * (micro ... 48xlarge, metal). db.serverless is Aurora Serverless v2's and does not exist for
 * RDS instances of MySQL, MariaDB or PostgreSQL.
 */
const INSTANCE_CLASS =
  /^db\.[a-z]+\d+[a-z]*(-flex)?\.(nano|micro|small|medium|large|xlarge|\d{1,2}xlarge|metal(-\d{1,2}xl)?)$/;

export function instanceClassProblems(plan: Plan): PlanProblem[] {
  const instanceClass = plan.deployment?.dbInstanceClass;
  if (instanceClass === undefined || INSTANCE_CLASS.test(instanceClass)) return [];
  const detail =
    instanceClass === 'db.serverless'
      ? 'db.serverless is for Aurora Serverless v2 only, and the plan deploys RDS instances'
      : 'not an RDS instance class';
  return [
    problem(
      'deployment.dbInstanceClass',
      `found "${instanceClass}": ${detail}; allowed: db.<family>.<size>, such as db.t4g.medium, db.m6g.large or db.r6g.xlarge`,
    ),
  ];
}
