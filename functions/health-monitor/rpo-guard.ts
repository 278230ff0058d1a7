import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RpoBudgetExceededError } from '../../plan/errors.ts';
import type { Plan, PlanDatabase } from '../../plan/schema.ts';
import { replicaResource } from '../shared/resource-names.ts';
import { lastActiveLag, readReplicaLag } from './replica-lag.ts';

export interface LagJudgement {
  db: PlanDatabase;
  lastActiveLagSeconds: number | null;
  lagObservedAt: string | null;
}

/**
 * The RPO guard: for each database still to be promoted, the replica lag last observed while
 * replication was active must be known and within the plan's budget. Unknown lag is never read
 * as zero; all offending databases are reported together so one run shows the whole picture.
 */
export async function judgeReplicaLag(
  cloudWatch: CloudWatchClient,
  plan: Plan,
  databases: readonly PlanDatabase[],
  now: Date,
): Promise<LagJudgement[]> {
  const lookback = plan.detection.replicaLagLookbackSeconds;
  const budget = plan.objectives.rpoSeconds;
  const judgements = await Promise.all(
    databases.map(async (db) => {
      const points = await readReplicaLag(cloudWatch, db.replica.identifier, { end: now, seconds: lookback });
      const last = lastActiveLag(points);
      return {
        db,
        lastActiveLagSeconds: last?.value ?? null,
        lagObservedAt: last?.timestamp.toISOString() ?? null,
      };
    }),
  );
  const offences = judgements.flatMap(({ db, lastActiveLagSeconds, lagObservedAt }) => {
    if (lastActiveLagSeconds === null) {
      return [
        `no active replica lag observation for ${replicaResource(db)} in the last ${lookback} s; refusing to promote blind`,
      ];
    }
    if (lastActiveLagSeconds > budget) {
      return [
        `${replicaResource(db)} last active replica lag was ${lastActiveLagSeconds} s (at ${lagObservedAt}), over the RPO budget of ${budget} s`,
      ];
    }
    return [];
  });
  if (offences.length > 0) {
    throw new RpoBudgetExceededError(
      `RPO guard stopped the failover; nothing was changed: ${offences.join('; ')}. Recover the primary, or accept the data loss deliberately by changing objectives.rpoSeconds (or detection.replicaLagLookbackSeconds) in the plan.`,
    );
  }
  return judgements;
}
