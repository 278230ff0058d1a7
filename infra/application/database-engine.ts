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

/**
 * Default major versions, each in RDS standard support well past this release (checked
 * 2026-12-01): MySQL 8.4 until 2029-07-31 (MySQL 8.0 left standard support on 2026-07-31 and
 * costs Extended Support since), MariaDB 11.4 until 2029-05-31, PostgreSQL 16 until 2029-02-28.
 * Sources: Amazon RDS User Guide, "Supported MySQL major versions on Amazon RDS"; "MariaDB on
 * Amazon RDS versions"; Amazon RDS for PostgreSQL Release Notes, "Release calendar".
 */
const DEFAULT_VERSIONS: Record<Engine, string> = { mysql: '8.4', mariadb: '11.4', postgres: '16' };

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

/**
 * The parameter that makes a fenced old primary refuse writes from the application (both are
 * dynamic, so they apply without a reboot): MySQL/MariaDB `read_only` (the application user has
 * no SUPER or CONNECTION_ADMIN to bypass it), PostgreSQL `default_transaction_read_only`.
 */
export function readOnlyParameters(engine: Engine): Record<string, string> {
  return engine === 'postgres' ? { default_transaction_read_only: '1' } : { read_only: '1' };
}

/**
 * Alternating-users rotation of the application's secret: each rotation gives the other of two
 * users (`<user>` and `<user>_clone`) a new password and makes it current, while the previous one
 * keeps working until the rotation after. Tasks read the secret when they start, so a running
 * task's credentials stay valid for at least one full rotation interval.
 */
export function multiUserRotation(
  engine: Engine,
  options: Parameters<typeof HostedRotation.mysqlMultiUser>[0],
) {
  switch (engine) {
    case 'mysql':
      return HostedRotation.mysqlMultiUser(options);
    case 'mariadb':
      return HostedRotation.mariaDbMultiUser(options);
    case 'postgres':
      return HostedRotation.postgreSqlMultiUser(options);
  }
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
