import { type DBInstance, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { PlanDatabase } from '../../plan/schema.ts';
import { ResourceNotFoundError, toDrError } from '../shared/errors.ts';

/** Reads one DB instance; null when it does not exist. Other failures are family errors. */
export async function readDbInstance(
  rds: RDSClient,
  identifier: string,
  region: string,
): Promise<DBInstance | null> {
  try {
    const output = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    return output.DBInstances?.[0] ?? null;
  } catch (error) {
    const mapped = toDrError(error, `DescribeDBInstances rds:${region}:${identifier}`);
    if (mapped instanceof ResourceNotFoundError) return null;
    throw mapped;
  }
}

/**
 * The replica's source, as RDS reports it: an identifier for a same-region replica, an ARN
 * (arn:aws:rds:<region>:<account>:db:<identifier>) for a cross-region one.
 */
export function replicaSource(instance: DBInstance): string | null {
  return instance.ReadReplicaSourceDBInstanceIdentifier || null;
}

export function isReplicaOfPlanPrimary(instance: DBInstance, db: PlanDatabase): boolean {
  const source = replicaSource(instance);
  if (source === null) return false;
  if (source === db.primary.identifier) return db.primary.region === db.replica.region;
  const arn = /^arn:[a-z-]+:rds:([a-z0-9-]+):\d*:db:(.+)$/.exec(source);
  return arn !== null && arn[1] === db.primary.region && arn[2] === db.primary.identifier;
}
