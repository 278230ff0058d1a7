import type { Plan, PlanDatabase } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

type Engine = PlanDatabase['engine'];

/**
 * deployment.engineVersion, per engine, as RDS spells versions: MySQL and MariaDB take a major
 * (8.0, 10.11) or a full version (8.0.39, 10.11.9); PostgreSQL from 10 on takes a major (16) or
 * major.minor (16.4). Extended Support releases carry an -rds.<date> suffix (5.7.44-rds.20240808).
 * One version applies to every database, so the plan's databases must share one engine.
 */
const FORMS: Record<Engine, { pattern: RegExp; examples: string }> = {
  mysql: { pattern: /^[5-9]\.\d{1,2}(\.\d{1,3})?(-rds\.\d{8})?$/i, examples: '8.0, 8.4 or 8.0.39' },
  mariadb: { pattern: /^1\d\.\d{1,2}(\.\d{1,3})?(-rds\.\d{8})?$/i, examples: '10.11, 11.4 or 10.11.9' },
  postgres: { pattern: /^([1-9]\d)(\.\d{1,3})?(-rds\.\d{8})?$/i, examples: '16, 17 or 16.4' },
};

export function engineVersionProblems(plan: Plan): PlanProblem[] {
  const version = plan.deployment?.engineVersion;
  if (version === undefined) return [];
  const engines = [...new Set(plan.databases.map((database) => database.engine))];
  if (engines.length > 1) {
    return [
      problem(
        'deployment.engineVersion',
        `found "${version}" for databases of several engines (${engines.join(', ')}); one version cannot fit them all; allowed: no engineVersion (each engine's default) or databases of one engine`,
      ),
    ];
  }
  const engine = engines[0] as Engine;
  const form = FORMS[engine];
  if (form.pattern.test(version)) return [];
  return [
    problem(
      'deployment.engineVersion',
      `found "${version}", not a ${engine} engine version as RDS spells them; allowed: for example ${form.examples}`,
    ),
  ];
}
