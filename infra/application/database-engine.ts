import {
  DatabaseInstanceEngine,
  type IInstanceEngine,
  MariaDbEngineVersion,
  MysqlEngineVersion,
  PostgresEngineVersion,
} from 'aws-cdk-lib/aws-rds';
import { HostedRotation } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { PlanDatabase } from '../../plan/schema.ts';
import { acknowledge } from '../nag.ts';

type Engine = PlanDatabase['engine'];

const DEFAULT_VERSIONS: Record<Engine, string> = { mysql: '8.0', mariadb: '10.11', postgres: '16' };

export function defaultVersionOf(engine: Engine): string {
  return DEFAULT_VERSIONS[engine];
}

/** The RDS engine for a plan database; the version comes from `deployment.engineVersion`. */
export function instanceEngine(engine: Engine, version: string | undefined): IInstanceEngine {
  const full = version ?? DEFAULT_VERSIONS[engine];
  const parts = full.split('.');
  switch (engine) {
    case 'mysql':
      return DatabaseInstanceEngine.mysql({
        version: MysqlEngineVersion.of(full, parts.slice(0, 2).join('.')),
      });
    case 'mariadb':
      return DatabaseInstanceEngine.mariaDb({
        version: MariaDbEngineVersion.of(full, parts.slice(0, 2).join('.')),
      });
    case 'postgres':
      return DatabaseInstanceEngine.postgres({ version: PostgresEngineVersion.of(full, parts[0] ?? full) });
  }
}

/** The engine's standard port, used by both regions so that security group rules are plain numbers. */
export function enginePort(engine: Engine): number {
  return engine === 'postgres' ? 5432 : 3306;
}

/** The parameter that makes the engine refuse connections without TLS. */
export function tlsOnlyParameters(engine: Engine): Record<string, string> {
  return engine === 'postgres' ? { 'rds.force_ssl': '1' } : { require_secure_transport: '1' };
}

export function singleUserRotation(
  engine: Engine,
  options: Parameters<typeof HostedRotation.mysqlSingleUser>[0],
) {
  switch (engine) {
    case 'mysql':
      return HostedRotation.mysqlSingleUser(options);
    case 'mariadb':
      return HostedRotation.mariaDbSingleUser(options);
    case 'postgres':
      return HostedRotation.postgreSqlSingleUser(options);
  }
}

/** A major-only version such as 8.0 is valid for RDS, but the CloudFormation schema lists full versions. */
export function acknowledgeMajorVersion(instance: IConstruct, version: string | undefined): void {
  if (version === undefined || version.split('.').length > 2) return;
  acknowledge(
    instance,
    'CloudFormation-Validate::E9006',
    `RDS accepts a major engine version (${version}) and creates the instance with that major's default minor version; the plan pins only the major on purpose.`,
  );
}
