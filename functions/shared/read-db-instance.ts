import { type DBInstance, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { ResourceNotFoundError, toDrError } from '../../plan/errors.ts';
import type { PlanDatabase } from '../../plan/schema.ts';

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
  // RDS identifiers are case-insensitive (stored lowercase).
  const sameIdentifier = (reported: string) => reported.toLowerCase() === db.primary.identifier.toLowerCase();
  const arn = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d*:db:(.+)$/.exec(source);
  if (arn?.[1] && arn[2]) return arn[1] === db.primary.region && sameIdentifier(arn[2]);
  // A bare identifier names a source in the replica's own region.
  return db.primary.region === db.replica.region && sameIdentifier(source);
}
