import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RpoBudgetExceededError } from '../../plan/errors.ts';
import type { Plan, PlanDatabase } from '../../plan/schema.ts';
import { lastActiveLag, readReplicaLag } from '../shared/replica-lag.ts';
import { replicaResource } from '../shared/resource-names.ts';

export interface LagJudgement {
  db: PlanDatabase;
  lastActiveLagSeconds: number | null;
  lagObservedAt: string | null;
}

/** The guard's verdict over every database still to be promoted. */
export interface RpoVerdict {
  judgements: LagJudgement[];
  verdict: 'within' | 'over' | 'unknown';
  worstLagSeconds: number | null;
  /** One line per offending database, with its figure. */
  offences: string[];
}

/**
 * The RPO guard: for each database still to be promoted, the replica lag last observed while
 * replication was active must be known and within the plan's budget. Unknown lag is never read
 * as zero; every offending database is reported, so one run shows the whole picture. The guard
 * judges; it does not stop the run by itself: over or unknown means the run waits for a
 * person's explicit acceptance before the point of no return (see acceptRpo).
 */
export async function judgeReplicaLag(
  cloudWatch: CloudWatchClient,
  plan: Plan,
  databases: readonly PlanDatabase[],
  now: Date,
): Promise<RpoVerdict> {
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
        `no active replica lag observation for ${replicaResource(db)} in the last ${lookback} s (unknown loss)`,
      ];
    }
    if (lastActiveLagSeconds > budget) {
      return [
        `${replicaResource(db)} last active replica lag was ${lastActiveLagSeconds} s (at ${lagObservedAt}), over the RPO budget of ${budget} s`,
      ];
    }
    return [];
  });
  const lags = judgements.flatMap((j) => (j.lastActiveLagSeconds === null ? [] : [j.lastActiveLagSeconds]));
  const worstLagSeconds = lags.length > 0 ? Math.max(...lags) : null;
  const unknown = judgements.some((j) => j.lastActiveLagSeconds === null);
  const verdict = unknown
    ? 'unknown'
    : worstLagSeconds !== null && worstLagSeconds > budget
      ? 'over'
      : 'within';
  return { judgements, verdict, worstLagSeconds, offences };
}

/** What a decision accepted; the verdict the guard reached. */
export interface RpoAcceptance {
  verdict: 'within' | 'over' | 'unknown';
  worstLagSeconds: number | null;
  budgetSeconds: number;
  acceptedLossSeconds: number | null;
  acceptedUnknown: boolean;
}

/**
 * The only way past the guard: a verdict within the budget, or a decision that accepts at least
 * the worst known lag in seconds and, when a lag is unknown, says so in words. Throws
 * RpoBudgetExceededError naming what the decision would have to accept.
 */
export function acceptRpo(acceptance: RpoAcceptance): void {
  const { verdict, worstLagSeconds, budgetSeconds, acceptedLossSeconds, acceptedUnknown } = acceptance;
  if (verdict === 'within') return;
  const problems: string[] = [];
  if (verdict === 'unknown' && !acceptedUnknown) {
    problems.push(
      'the replica lag of at least one database is unknown: a decision must say "accept unknown data loss"',
    );
  }
  if (
    worstLagSeconds !== null &&
    worstLagSeconds > budgetSeconds &&
    (acceptedLossSeconds ?? -1) < worstLagSeconds
  ) {
    problems.push(
      `the last active replica lag was ${worstLagSeconds} s, over the ${budgetSeconds} s budget: a decision must accept at least ${worstLagSeconds} s (it accepted ${acceptedLossSeconds === null ? 'none' : `${acceptedLossSeconds} s`})`,
    );
  }
  if (problems.length > 0) {
    throw new RpoBudgetExceededError(
      `RPO guard stopped the failover before the point of no return; nothing was changed: ${problems.join('; ')}. Approve with drctl approve <execution> --accept-data-loss SECONDS (or --accept-unknown-data-loss "accept unknown data loss").`,
    );
  }
}
