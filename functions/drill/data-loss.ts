import type { z } from 'zod';
import { canaryFunctionName } from '../../plan/names.ts';
import type { PlanDatabase } from '../../plan/schema.ts';
import type { CanaryHeartbeat } from '../shared/canary-contracts.ts';
import type {
  DatabaseDataLoss,
  DataLossBasis,
  DataLossOutput,
  dataLossInputSchema,
} from '../shared/drill-contracts.ts';
import { readHeartbeats } from './canary-reads.ts';
import { copyIdentifierOf, findPlanDatabase } from './guard.ts';
import type { DrillPorts } from './ports.ts';

export type DataLossInput = z.output<typeof dataLossInputSchema>;
type Promotion = DataLossInput['promotions'][number];
type Ports = Pick<DrillPorts, 'plan' | 'lambda' | 'primaryLambda' | 'now' | 'logger'>;

/**
 * The drill's data-loss window per database, from the write canary: the copy's last heartbeat
 * after its promotion (the canary reader, DR region) against the primary's last heartbeat written
 * at or before the promotion (the canary writer, primary region; a drill's primary is up).
 * Writes lost = primary seq − copy seq; seconds lost = promotion − the copy's last written_at
 * (an upper bound at the canary's resolution, drills.canary.intervalSeconds). Without the canary,
 * or when the copy cannot be read, the copy's ReplicaLag at promotion stands in for the seconds,
 * labelled as an estimate; with neither, the figures are unknown (null), never zero.
 */
export async function measureDataLoss(ports: Ports, input: DataLossInput): Promise<DataLossOutput> {
  const { plan } = ports;
  const entries = input.promotions.map((promotion) => ({
    promotion,
    db: findPlanDatabase(plan, promotion.databaseId),
  }));
  const canary = plan.drills.canary.enabled;
  const databases = canary
    ? await fromCanary(ports, entries)
    : entries.map(({ promotion, db }) =>
        estimated(promotion, db, 'the write canary is off (drills.canary.enabled: false)'),
      );
  ports.logger?.info('drill data loss measured', { canary, databases: databases.length });
  return { measuredAt: ports.now().toISOString(), canary, databases, worst: worstOf(databases) };
}

async function fromCanary(
  ports: Ports,
  entries: { promotion: Promotion; db: PlanDatabase }[],
): Promise<DatabaseDataLoss[]> {
  const { plan } = ports;
  const [copies, primaries] = await Promise.all([
    readHeartbeats(
      ports.lambda,
      canaryFunctionName(plan, 'reader'),
      plan.regions.dr,
      entries.map(({ db }) => ({ databaseId: db.id, instanceIdentifier: copyIdentifierOf(db) })),
    ),
    readPrimaries(ports, entries),
  ]);
  return entries.map(({ promotion, db }, index) => {
    const copy = copies[index] as CanaryHeartbeat;
    const primary = primaries.get(db.id) ?? null;
    return combine(promotion, db, copy, primary);
  });
}

/** The primaries' last heartbeats before each copy's promotion (a copy never promoted has none to compare). */
async function readPrimaries(
  ports: Ports,
  entries: { promotion: Promotion; db: PlanDatabase }[],
): Promise<Map<string, CanaryHeartbeat>> {
  const targets = entries.flatMap(({ promotion, db }) =>
    promotion.startedAt === null
      ? []
      : [{ databaseId: db.id, instanceIdentifier: db.primary.identifier, before: promotion.startedAt }],
  );
  if (targets.length === 0) return new Map();
  const beats = await readHeartbeats(
    ports.primaryLambda,
    canaryFunctionName(ports.plan, 'writer'),
    ports.plan.regions.primary,
    targets,
  );
  return new Map(beats.map((beat) => [beat.databaseId, beat]));
}

function combine(
  promotion: Promotion,
  db: PlanDatabase,
  copy: CanaryHeartbeat,
  primary: CanaryHeartbeat | null,
): DatabaseDataLoss {
  const sides = {
    copy: side(copy),
    primary:
      primary === null ? { seq: null, writtenAt: null, error: 'the copy was not promoted' } : side(primary),
  };
  if (copy.error !== undefined) {
    return {
      ...estimated(promotion, db, `the copy's heartbeats could not be read (${copy.error})`),
      ...sides,
    };
  }
  // An empty table on the copy: no heartbeat reached it, every one the primary had is lost.
  const copySeq = copy.seq ?? 0;
  const writesLost =
    primary !== null && primary.error === undefined && primary.seq !== null
      ? Math.max(0, primary.seq - copySeq)
      : null;
  const secondsLost =
    promotion.startedAt !== null && copy.writtenAt !== null
      ? Math.max(0, (Date.parse(promotion.startedAt) - Date.parse(copy.writtenAt)) / 1000)
      : null;
  const notes = [
    copy.writtenAt === null
      ? 'no heartbeat on the copy'
      : `copy's last heartbeat #${copy.seq} at ${copy.writtenAt}`,
    primary?.error !== undefined
      ? `the primary's heartbeats could not be read (${primary.error}): writes lost unknown`
      : primary?.seq === null
        ? 'no heartbeat on the primary before the promotion'
        : `primary's last heartbeat before the promotion #${primary?.seq} at ${primary?.writtenAt}`,
  ];
  return {
    databaseId: db.id,
    copyIdentifier: copyIdentifierOf(db),
    promotedAt: promotion.startedAt,
    ...sides,
    writesLost,
    secondsLost,
    basis: secondsLost === null ? 'unknown' : 'canary',
    lagAtPromotionSeconds: promotion.lagAtPromotionSeconds,
    detail: notes.join('; '),
  };
}

function side(beat: CanaryHeartbeat): DatabaseDataLoss['copy'] {
  return {
    seq: beat.seq,
    writtenAt: beat.writtenAt,
    ...(beat.error === undefined ? {} : { error: beat.error }),
  };
}

function estimated(promotion: Promotion, db: PlanDatabase, why: string): DatabaseDataLoss {
  const lag = promotion.lagAtPromotionSeconds;
  return {
    databaseId: db.id,
    copyIdentifier: copyIdentifierOf(db),
    promotedAt: promotion.startedAt,
    copy: { seq: null, writtenAt: null },
    primary: { seq: null, writtenAt: null },
    writesLost: null,
    secondsLost: lag,
    basis: lag === null ? 'unknown' : 'replica-lag-estimate',
    lagAtPromotionSeconds: lag,
    detail:
      lag === null
        ? `${why}, and no replica lag was observed on the copy before its promotion: unknown`
        : `${why}: estimated from the copy's ReplicaLag at promotion (${lag} s), not measured`,
  };
}

/** The drill's RPO is its worst database (writes: all databases'); one unknown database makes it unknown. */
function worstOf(databases: DatabaseDataLoss[]): DataLossOutput['worst'] {
  const bases = new Set<DataLossBasis>(databases.map((d) => d.basis));
  const basis: DataLossBasis = bases.has('unknown')
    ? 'unknown'
    : bases.has('replica-lag-estimate')
      ? 'replica-lag-estimate'
      : 'canary';
  const seconds = databases.map((d) => d.secondsLost);
  const writes = databases.map((d) => d.writesLost);
  return {
    secondsLost: seconds.some((s) => s === null) ? null : Math.max(...(seconds as number[])),
    // Heartbeats lost add up across databases: each is a write the DR side never got.
    writesLost: writes.some((w) => w === null) ? null : (writes as number[]).reduce((sum, w) => sum + w, 0),
    basis,
  };
}
