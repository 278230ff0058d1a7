import { PromoteReadReplicaCommand, type RDSClient } from '@aws-sdk/client-rds';
import { DrillFailedError, InvalidStateError, PromotionFailedError, toDrError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { PromoteCopyOutput, promoteCopyInputSchema } from '../shared/drill-contracts.ts';
import { AVAILABLE, isTerminalStatus } from '../shared/instance-status.ts';
import { lastActiveLag, readReplicaLag } from '../shared/replica-lag.ts';
import type * as z from '../shared/validator.ts';
import { copyResource, type DrillCopy, readCopy } from './copies.ts';
import { copyIdentifierOf, findPlanDatabase, guardTaggedCopy } from './guard.ts';
import type { DrillPorts } from './ports.ts';

export type PromoteCopyInput = z.output<typeof promoteCopyInputSchema>;
type Ports = Pick<DrillPorts, 'plan' | 'rds' | 'cloudWatch' | 'now' | 'logger'>;

/** How far back the copy's ReplicaLag is read before its promotion (RDS publishes it every minute). */
const LAG_LOOKBACK_SECONDS = 300;

/**
 * Promotes this drill's copy of one database exactly as a failover promotes the DR replica
 * (PromoteReadReplica, then polled until it is a standalone `available` instance), and reads the
 * copy's ReplicaLag right before, which is the drill's lag at promotion. Reads before it acts: a
 * copy already standalone is not promoted twice.
 */
export async function promoteCopy(ports: Ports, input: PromoteCopyInput): Promise<PromoteCopyOutput> {
  const { plan, rds } = ports;
  const db = findPlanDatabase(plan, input.databaseId);
  const identifier = copyIdentifierOf(db);
  const copy = await readOwnCopy(rds, plan, identifier, input.correlationId);
  guardTaggedCopy(plan, identifier, copy.tags, 'promote');
  if (isTerminalStatus(copy.status)) throw promotionFailed(plan, copy);
  const base = {
    databaseId: db.id,
    copyIdentifier: identifier,
    status: copy.status,
    done: false,
    alreadyPromoted: false,
    startedAt: input.startedAt,
    completedAt: null,
    lagAtPromotionSeconds: input.lagAtPromotionSeconds,
    lagObservedAt: input.lagObservedAt,
  };
  if (input.op === 'promote-status') {
    const done = copy.source === null && copy.status === AVAILABLE;
    return {
      ...base,
      done,
      completedAt: done ? ports.now().toISOString() : null,
      attempt: input.attempt + 1,
    };
  }
  if (copy.source === null) {
    // An earlier attempt promoted it: report it as it is, do not promote twice.
    const done = copy.status === AVAILABLE;
    return {
      ...base,
      done,
      alreadyPromoted: true,
      completedAt: done ? ports.now().toISOString() : null,
      attempt: 0,
    };
  }
  const lag = await lagOf(ports, identifier);
  const startedAt = ports.now().toISOString();
  let status: string | undefined;
  try {
    const output = await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: identifier }));
    status = output.DBInstance?.DBInstanceStatus;
  } catch (error) {
    if ((error as { name?: string }).name === 'InvalidDBInstanceStateFault') {
      throw new InvalidStateError(
        `RDS refused to promote ${copyResource(plan, identifier)} while it is ${copy.status}: retried (${(error as Error).message})`,
        { cause: error },
      );
    }
    throw toDrError(error, `PromoteReadReplica ${copyResource(plan, identifier)}`);
  }
  ports.logger?.info('drill copy promotion started', { database: db.id, copy: identifier, lag });
  return {
    ...base,
    status: status ?? 'modifying',
    startedAt,
    lagAtPromotionSeconds: lag.seconds,
    lagObservedAt: lag.observedAt,
    attempt: 0,
  };
}

async function readOwnCopy(
  rds: RDSClient,
  plan: Plan,
  identifier: string,
  execution: string,
): Promise<DrillCopy> {
  const copy = await readCopy(rds, plan, identifier);
  if (copy === null || copy.execution !== execution) {
    throw new DrillFailedError(
      `${copyResource(plan, identifier)} of this drill is gone${copy ? ` (the instance belongs to drill ${copy.execution})` : ''}: the drill cannot go on`,
    );
  }
  return copy;
}

/** The copy's last active ReplicaLag minute; unknown (null) when none, never zero. */
async function lagOf(
  ports: Ports,
  identifier: string,
): Promise<{ seconds: number | null; observedAt: string | null }> {
  const points = await readReplicaLag(ports.cloudWatch, identifier, {
    end: ports.now(),
    seconds: LAG_LOOKBACK_SECONDS,
  });
  const last = lastActiveLag(points);
  return { seconds: last?.value ?? null, observedAt: last?.timestamp.toISOString() ?? null };
}

function promotionFailed(plan: Plan, copy: DrillCopy): PromotionFailedError {
  return new PromotionFailedError(
    `${copyResource(plan, copy.identifier)} is ${copy.status}, which waiting will not change: see its Recent Events in the RDS console`,
  );
}
