import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type DBInstance,
  DescribeDBInstancesCommand,
  PromoteReadReplicaCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import {
  InvalidInputError,
  InvalidStateError,
  NotAReplicaError,
  PromotionFailedError,
  ResourceNotFoundError,
  toDrError,
} from '../../plan/errors.ts';
import type { Plan, PlanDatabase } from '../../plan/schema.ts';
import type { PromoteOutput, promoteInputSchema } from '../shared/contracts.ts';
import { AVAILABLE, isTerminalStatus } from '../shared/instance-status.ts';
import type { RunGuard } from '../shared/run-guard.ts';
import type * as z from '../shared/validator.ts';
import { describeSource, isSameSource, parseReplicaSource } from './replica-source.ts';

export type PromoteInput = z.output<typeof promoteInputSchema>;

export interface PromoteReplicaPorts {
  plan: Plan;
  /** RDS client in the DR region, where the replica lives. */
  rds: RDSClient;
  /** Promoting cannot be undone: the run the input names must be past its point of no return. */
  pastPointOfNoReturn: RunGuard;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Promotes the plan's cross-region read replica to a standalone instance (`start`) and reports
 * when the promotion has finished (`status`). Reads before it acts, so a re-run after a partial
 * failure never promotes twice: an instance without a replication source is already promoted or
 * on its way.
 */
export async function promoteReplica(
  ports: PromoteReplicaPorts,
  input: PromoteInput,
): Promise<PromoteOutput> {
  const database = findDatabase(ports.plan, input.databaseId);
  return input.operation === 'start' ? start(ports, database, input) : status(ports, database, input);
}

function findDatabase(plan: Plan, databaseId: string): PlanDatabase {
  const database = plan.databases.find((candidate) => candidate.id === databaseId);
  if (database) return database;
  const known = plan.databases.map((candidate) => candidate.id).join(', ');
  throw new InvalidInputError(
    `promote-replica: databaseId: no database "${databaseId}" in the plan (known: ${known})`,
    'databaseId',
  );
}

async function start(
  { rds, now, logger, pastPointOfNoReturn }: PromoteReplicaPorts,
  database: PlanDatabase,
  input: PromoteInput,
): Promise<PromoteOutput> {
  await pastPointOfNoReturn(input.correlationId, 'promote-replica');
  const instance = await describeReplica(rds, database);
  const status = instance.DBInstanceStatus ?? 'unknown';
  const reportedSource = instance.ReadReplicaSourceDBInstanceIdentifier;
  const result = (fields: Partial<PromoteOutput>): PromoteOutput => ({
    ...baseOutput(database, status, input.attempt),
    ...fields,
  });

  if (isTerminalStatus(status)) throw promotionFailed(database, status);

  if (!reportedSource) {
    if (status === AVAILABLE) {
      logger?.info('Replica is already a standalone instance; nothing to promote', { database: database.id });
      return result({ done: true, alreadyPromoted: true, completedAt: now().toISOString() });
    }
    // No source but not yet available: a promotion started by an earlier attempt is still running.
    logger?.info('Promotion already in progress', { database: database.id, status });
    return result({});
  }

  const source = parseReplicaSource(reportedSource, database.replica.region);
  const expected = { identifier: database.primary.identifier, region: database.primary.region };
  if (!isSameSource(source, expected)) {
    throw new NotAReplicaError(
      `DB instance ${database.replica.identifier} replicates from ${describeSource(source)}, not from the plan's primary ${describeSource(expected)}: refusing to promote it. Check databases "${database.id}" in the plan.`,
    );
  }

  const startedAt = now().toISOString();
  let promotedStatus: string | undefined;
  try {
    const response = await rds.send(
      new PromoteReadReplicaCommand({ DBInstanceIdentifier: database.replica.identifier }),
    );
    promotedStatus = response.DBInstance?.DBInstanceStatus;
  } catch (error) {
    if (errorName(error) === 'InvalidDBInstanceStateFault') {
      throw new InvalidStateError(
        `RDS refused to promote ${database.replica.identifier} while it is ${status}: retry when it is available (${errorMessage(error)})`,
        { cause: error },
      );
    }
    throw toDrError(error, `PromoteReadReplica ${database.replica.identifier}`);
  }
  logger?.info('Promotion started', { database: database.id, identifier: database.replica.identifier });
  // RDS moves the instance to "modifying" as it accepts the request.
  return result({ status: promotedStatus ?? 'modifying', startedAt });
}

async function status(
  { rds, now }: PromoteReplicaPorts,
  database: PlanDatabase,
  input: PromoteInput,
): Promise<PromoteOutput> {
  const instance = await describeReplica(rds, database);
  const status = instance.DBInstanceStatus ?? 'unknown';
  if (isTerminalStatus(status)) throw promotionFailed(database, status);
  // Promotion runs available -> modifying -> rebooting -> available; "available" alone is not the
  // end while the instance still names a source (RDS may not have begun yet).
  const done = !instance.ReadReplicaSourceDBInstanceIdentifier && status === AVAILABLE;
  return {
    ...baseOutput(database, status, input.attempt + 1),
    startedAt: input.startedAt,
    done,
    completedAt: done ? now().toISOString() : null,
  };
}

function baseOutput(database: PlanDatabase, status: string, attempt: number): PromoteOutput {
  return {
    databaseId: database.id,
    identifier: database.replica.identifier,
    status,
    done: false,
    alreadyPromoted: false,
    startedAt: null,
    completedAt: null,
    attempt,
  };
}

async function describeReplica(rds: RDSClient, database: PlanDatabase): Promise<DBInstance> {
  const { identifier, region } = database.replica;
  const notFound = (cause?: unknown) =>
    new ResourceNotFoundError(
      `DB instance ${identifier} does not exist in ${region}: check databases "${database.id}" replica.identifier in the plan`,
      { cause },
    );
  let instances: DBInstance[] | undefined;
  try {
    ({ DBInstances: instances } = await rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }),
    ));
  } catch (error) {
    if (errorName(error) === 'DBInstanceNotFoundFault') throw notFound(error);
    throw toDrError(error, `DescribeDBInstances ${identifier}`);
  }
  const instance = instances?.[0];
  if (!instance) throw notFound();
  return instance;
}

function promotionFailed(database: PlanDatabase, status: string): PromotionFailedError {
  return new PromotionFailedError(
    `DB instance ${database.replica.identifier} (database "${database.id}") is ${status}, which waiting will not change: see its Recent Events in the RDS console and recover it by hand.`,
  );
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
