import { CreateDBInstanceReadReplicaCommand, type DBInstance } from '@aws-sdk/client-rds';
import {
  DrillFailedError,
  InvalidStateError,
  NotADrillResourceError,
  ResourceNotFoundError,
  toDrError,
} from '../../plan/errors.ts';
import { DRILL_PLAN_TAG, drillTags } from '../../plan/names.ts';
import type { Plan, PlanDatabase } from '../../plan/schema.ts';
import type { CreateCopyOutput, createCopyInputSchema } from '../shared/drill-contracts.ts';
import { readDbInstance } from '../shared/read-db-instance.ts';
import { replicaResource } from '../shared/resource-names.ts';
import type * as z from '../shared/validator.ts';
import { copyResource, type DrillCopy, readCopy } from './copies.ts';
import { findPlanDatabase, guardCopyOf } from './guard.ts';
import type { DrillPorts } from './ports.ts';

export type CreateCopyInput = z.output<typeof createCopyInputSchema>;
type Ports = Pick<DrillPorts, 'plan' | 'rds' | 'now' | 'logger'>;

/**
 * Creates this drill's copy of one plan database: a read replica of the plan's DR replica in the
 * DR region (a cascading replica: RDS builds it from a storage snapshot of the DR replica, with no
 * cross-region transfer and no load on the primary), with the DR replica's instance class and
 * security groups, in its subnet group (a same-region replica always is: RDS refuses a subnet
 * group there), not publicly accessible, tagged with the plan and this execution. Idempotent: a
 * copy that exists with this execution's tag is this drill's (a retried create continues); one of
 * another drill is being removed by the sweep (retried until it is gone); an instance with the
 * name that drctl did not make is refused, never touched.
 */
export async function createCopy(ports: Ports, input: CreateCopyInput): Promise<CreateCopyOutput> {
  const { plan, rds } = ports;
  const db = findPlanDatabase(plan, input.databaseId);
  const identifier = guardCopyOf(plan, db);
  const existing = await readCopy(rds, plan, identifier);
  if (existing !== null) return continueWith(plan, db, existing, input.correlationId);
  const source = await readDbInstance(rds, db.replica.identifier, db.replica.region);
  if (source === null) {
    throw new ResourceNotFoundError(
      `${replicaResource(db)} not found: the copy's source is gone; nothing was created`,
    );
  }
  const requestedAt = ports.now();
  let created: DBInstance | undefined;
  try {
    ({ DBInstance: created } = await rds.send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: identifier,
        SourceDBInstanceIdentifier: db.replica.identifier,
        ...(source.DBInstanceClass ? { DBInstanceClass: source.DBInstanceClass } : {}),
        PubliclyAccessible: false,
        MultiAZ: false,
        ...securityGroups(source),
        CopyTagsToSnapshot: false,
        DeletionProtection: false,
        Tags: drillTags(plan, input.correlationId),
      }),
    ));
  } catch (error) {
    throw createError(plan, db, identifier, error);
  }
  ports.logger?.info('drill copy requested', {
    database: db.id,
    copy: identifier,
    source: db.replica.identifier,
  });
  return {
    databaseId: db.id,
    copyIdentifier: identifier,
    sourceIdentifier: db.replica.identifier,
    status: created?.DBInstanceStatus ?? 'creating',
    requestedAt: requestedAt.toISOString(),
    alreadyExisted: false,
  };
}

function securityGroups(source: DBInstance): { VpcSecurityGroupIds?: string[] } {
  const ids = (source.VpcSecurityGroups ?? []).flatMap((group) =>
    group.VpcSecurityGroupId ? [group.VpcSecurityGroupId] : [],
  );
  return ids.length > 0 ? { VpcSecurityGroupIds: ids } : {};
}

function continueWith(plan: Plan, db: PlanDatabase, copy: DrillCopy, execution: string): CreateCopyOutput {
  const resource = copyResource(plan, copy.identifier);
  if (copy.tags[DRILL_PLAN_TAG] !== plan.name) {
    throw new NotADrillResourceError(
      `${resource} exists but is not a drill copy of plan ${plan.name} (no ${DRILL_PLAN_TAG}=${plan.name} tag): drctl never touches it; rename or delete it by hand before the next drill`,
    );
  }
  if (copy.execution !== execution) {
    throw new InvalidStateError(
      `${resource} is the copy of drill ${copy.execution ?? '(untagged)'} (status ${copy.status}), which the sweep removes: the copy of this drill is created once it is gone`,
    );
  }
  if (copy.status === 'deleting') {
    throw new DrillFailedError(
      `${resource} of this drill is being deleted: something else removes it; the drill cannot go on`,
    );
  }
  return {
    databaseId: db.id,
    copyIdentifier: copy.identifier,
    sourceIdentifier: db.replica.identifier,
    status: copy.status,
    requestedAt: null,
    alreadyExisted: true,
  };
}

function createError(plan: Plan, db: PlanDatabase, identifier: string, error: unknown) {
  const name = (error as { name?: string }).name;
  const what = `CreateDBInstanceReadReplica ${copyResource(plan, identifier)} from ${replicaResource(db)}`;
  if (name === 'DBInstanceAlreadyExistsFault') {
    // Another attempt of this task created it meanwhile: the retry reads it and continues.
    return new InvalidStateError(`${what}: it exists already; read again`, { cause: error });
  }
  if (name === 'InvalidDBInstanceStateFault') {
    return new InvalidStateError(`${what}: the source is busy (${(error as Error).message}); retried`, {
      cause: error,
    });
  }
  return toDrError(error, what);
}
