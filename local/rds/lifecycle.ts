import { HeartbeatTable } from '../mysql/heartbeat-table.ts';
import { AwsError } from '../protocol/errors.ts';
import type { DbInstance, RdsModel } from './model.ts';
import type { Tag } from './tags.ts';

/**
 * Creating and deleting DB instances, as the RDS API reference and User Guide document them.
 *
 * CreateDBInstanceReadReplica (same-Region source only in the world): the source must exist
 * (DBInstanceNotFound), be `available` (InvalidDBInstanceState) and, for MySQL and MariaDB
 * sources and for any primary, have automated backups (InvalidDBInstanceState "Automated backups
 * are not enabled ..."); a replica may be the source of another (cascading read replicas: a
 * chain of at most four instances; PostgreSQL from 14.1). The new replica is created with
 * backups off, inherits the source's engine, version, class and parameter group unless given,
 * and runs creating → available after `replicaCreationSeconds` (or ends in the status a
 * creation-failure fault names).
 *
 * DeleteDBInstance: deleting → gone after `instanceDeletionSeconds`, DBInstanceNotFound
 * afterwards. Refused: deletion protection, a second delete ("is already being deleted"), no
 * final snapshot identifier without SkipFinalSnapshot, a final snapshot of a read replica or of
 * an instance still creating, or of a failed instance.
 */
export interface ReplicaRequest {
  identifier: string;
  source: string;
  instanceClass?: string;
  tags: Tag[];
  publiclyAccessible?: boolean;
  parameterGroupName?: string;
  subnetGroupName?: string;
  securityGroupIds: string[];
  availabilityZone?: string;
  port?: number;
  deletionProtection?: boolean;
}

export interface DeleteRequest {
  identifier: string;
  skipFinalSnapshot: boolean;
  finalSnapshotIdentifier?: string;
  deleteAutomatedBackups: boolean;
}

/** A chain from a primary through its cascading replicas holds at most four instances. */
const MAX_CHAIN = 4;
/** Statuses in which RDS deletes an instance only without a final snapshot. */
const FAILED_STATUSES = new Set(['failed', 'incompatible-restore', 'incompatible-network']);
const notFound = (identifier: string) =>
  new AwsError('DBInstanceNotFound', `DBInstance ${identifier} not found.`, 404);

export function createReadReplica(rds: RdsModel, region: string, request: ReplicaRequest): DbInstance {
  const { context } = rds;
  const { clock, scheduler, events, timings } = context;
  if (rds.find(region, request.identifier)) {
    throw new AwsError('DBInstanceAlreadyExists', `DB instance already exists: ${request.identifier}`);
  }
  const source = sourceOf(rds, region, request.source);
  refuseSource(rds, source);
  if (
    request.parameterGroupName !== undefined &&
    !rds.parameterGroups.exists(region, request.parameterGroupName)
  ) {
    throw new AwsError(
      'DBParameterGroupNotFound',
      `DBParameterGroup not found: ${request.parameterGroupName}`,
      404,
    );
  }
  const now = clock.now();
  const instance: DbInstance = {
    identifier: request.identifier,
    databaseId: source.databaseId,
    planRole: undefined,
    region,
    engine: source.engine,
    engineVersion: source.engineVersion,
    instanceClass: request.instanceClass ?? source.instanceClass,
    arn: rds.arnOf(region, request.identifier),
    createdAt: new Date(now),
    status: 'creating',
    role: 'replica',
    sourceArn: source.arn,
    replicaArns: [],
    promotion: undefined,
    busyUntil: undefined,
    tags: request.tags.map((tag) => ({ ...tag })),
    backupRetention: 0,
    deletionProtection: request.deletionProtection ?? false,
    publiclyAccessible: request.publiclyAccessible ?? false,
    availabilityZone: request.availabilityZone ?? source.availabilityZone,
    parameterGroupName: request.parameterGroupName ?? source.parameterGroupName,
    subnetGroupName: request.subnetGroupName ?? source.subnetGroupName,
    securityGroupIds:
      request.securityGroupIds.length > 0 ? [...request.securityGroupIds] : [...source.securityGroupIds],
    port: request.port ?? source.port,
    heartbeats: new HeartbeatTable(),
  };
  rds.addInstance(instance);
  events.record(
    'rds.status',
    now,
    `${instance.identifier} is creating (read replica of ${source.identifier})`,
    { identifier: instance.identifier, status: 'creating', source: source.identifier },
    region,
  );
  rds.onInstanceAdded(instance);
  scheduler.at(now + timings.replicaCreationSeconds * 1000, (at) => {
    if (!rds.isLive(instance) || instance.status !== 'creating') return;
    const failure = rds.creationFailure(instance);
    if (failure !== undefined) {
      rds.setStatus(instance, failure, at);
      return;
    }
    instance.createdAt = new Date(at);
    rds.setStatus(instance, 'available', at);
    events.record(
      'rds.instance-created',
      at,
      `${instance.identifier} is available, replicating from ${source.identifier}`,
      { identifier: instance.identifier, source: source.identifier, seconds: (at - now) / 1000 },
      region,
    );
  });
  return instance;
}

/** The source as given (identifier or ARN); another region's source is not modelled. */
function sourceOf(rds: RdsModel, region: string, given: string): DbInstance {
  const arn = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d*:db:(.+)$/.exec(given);
  if (arn && arn[1] !== region) {
    throw new AwsError(
      'InvalidParameterCombination',
      `The local world models same-Region read replicas only: ${given} is in ${arn[1]}, the request in ${region}.`,
    );
  }
  const identifier = arn?.[2] ?? given;
  const source = rds.find(region, identifier);
  if (!source) throw notFound(identifier);
  return source;
}

function refuseSource(rds: RdsModel, source: DbInstance): void {
  if (source.status !== 'available') {
    throw new AwsError(
      'InvalidDBInstanceState',
      `Instance ${source.identifier} is not in available state (it is ${source.status}).`,
    );
  }
  const isReplica = source.sourceArn !== undefined;
  const needsBackups = source.engine !== 'postgres' || !isReplica;
  if (needsBackups && source.backupRetention === 0) {
    throw new AwsError(
      'InvalidDBInstanceState',
      'Automated backups are not enabled for this database instance. To enable automated backups, use ModifyDBInstance to set the backup retention period to a non-zero value.',
    );
  }
  if (isReplica && source.engine === 'postgres' && !atLeast(source.engineVersion, [14, 1])) {
    throw new AwsError(
      'InvalidParameterCombination',
      `Cascading read replicas need RDS for PostgreSQL 14.1 or higher; ${source.identifier} runs ${source.engineVersion}.`,
    );
  }
  let depth = 1;
  for (let current = rds.byArn(source.sourceArn); current; current = rds.byArn(current.sourceArn)) depth++;
  if (depth + 1 > MAX_CHAIN) {
    throw new AwsError(
      'InvalidParameterCombination',
      `${source.identifier} is the last read replica its chain can hold: a series of cascading read replicas is at most ${MAX_CHAIN} DB instances.`,
    );
  }
}

function atLeast(version: string, wanted: [number, number]): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return major > wanted[0] || (major === wanted[0] && minor >= wanted[1]);
}

export function deleteInstance(rds: RdsModel, region: string, request: DeleteRequest): DbInstance {
  const { clock, scheduler, events, timings } = rds.context;
  const { identifier } = request;
  const instance = rds.find(region, identifier);
  if (!instance) throw notFound(identifier);
  if (instance.status === 'deleting') {
    throw new AwsError('InvalidDBInstanceState', `Instance ${identifier} is already being deleted.`);
  }
  if (instance.deletionProtection) {
    throw new AwsError(
      'InvalidParameterCombination',
      'Cannot delete protected DB Instance, please disable deletion protection and try again.',
    );
  }
  const snapshot = request.finalSnapshotIdentifier;
  if (request.skipFinalSnapshot && snapshot !== undefined) {
    throw new AwsError(
      'InvalidParameterCombination',
      'FinalDBSnapshotIdentifier cannot be specified when SkipFinalSnapshot is enabled.',
    );
  }
  if (!request.skipFinalSnapshot && snapshot === undefined) {
    throw new AwsError(
      'InvalidParameterCombination',
      'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
    );
  }
  if (!request.skipFinalSnapshot) {
    if (instance.sourceArn !== undefined) {
      throw new AwsError(
        'InvalidParameterCombination',
        'FinalDBSnapshotIdentifier can not be specified when deleting a replica instance',
      );
    }
    if (instance.status === 'creating') {
      throw new AwsError(
        'InvalidDBInstanceState',
        `Instance ${identifier} is currently creating - a final snapshot cannot be taken.`,
      );
    }
    if (FAILED_STATUSES.has(instance.status)) {
      throw new AwsError(
        'InvalidDBInstanceState',
        `Instance ${identifier} is ${instance.status}: it can only be deleted with SkipFinalSnapshot.`,
      );
    }
  }
  const now = clock.now();
  rds.setStatus(instance, 'deleting', now);
  scheduler.at(now + timings.instanceDeletionSeconds * 1000, (at) => {
    rds.removeInstance(instance, at);
    rds.onInstanceRemoved(instance);
    events.record(
      'rds.instance-deleted',
      at,
      `${identifier} is deleted${request.skipFinalSnapshot ? ' (no final snapshot)' : `, final snapshot ${snapshot}`}${request.deleteAutomatedBackups ? ', automated backups deleted' : ''}`,
      {
        identifier,
        seconds: (at - now) / 1000,
        finalSnapshot: snapshot ?? null,
        deleteAutomatedBackups: request.deleteAutomatedBackups,
      },
      region,
    );
  });
  return instance;
}
