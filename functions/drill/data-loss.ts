import { canaryFunctionName } from '../../plan/names.ts';
import type { PlanDatabase } from '../../plan/schema.ts';
import type { CanaryHeartbeat } from '../shared/canary-contracts.ts';
import type {
  DatabaseDataLoss,
  DataLossBasis,
  DataLossOutput,
  dataLossInputSchema,
} from '../shared/drill-contracts.ts';
import type * as z from '../shared/validator.ts';
import { readHeartbeats } from './canary-reads.ts';
import { copyIdentifierOf, findPlanDatabase } from './guard.ts';
import type { DrillPorts } from './ports.ts';

export type DataLossInput = z.output<typeof dataLossInputSchema>;
type Promotion = DataLossInput['promotions'][number];
type Ports = Pick<DrillPorts, 'plan' | 'lambda' | 'primaryLambda' | 'now' | 'logger'>;

/**
 * The drill's data-loss window per database, from the write canary, cut at the declared outage:
 * the copy's last heartbeat when the drill declared the outage (DeclareOutage read it through the
 * canary reader, DR region) against the primary's last heartbeat written at or before that
 * instant (the canary writer, primary region; a drill's primary is up). That is what a real
 * outage at that instant would have left on the DR side. Writes lost = primary seq − copy seq;
 * seconds lost = the cut − the copy's last written_at (an upper bound at the canary's resolution,
 * drills.canary.intervalSeconds). When the copy could not be read at the cut (or a run predates
 * that read), the promoted copy is read now and the cut is its promotion: a lower bound, since
 * the copy replicated until its promotion rebooted it, and the detail says so. Without the
 * canary, or when the copy cannot be read at all, the copy's ReplicaLag at promotion stands in
 * for the seconds, labelled as an estimate; with neither, the figures are unknown (null), never
 * zero.
 */
export async function measureDataLoss(ports: Ports, input: DataLossInput): Promise<DataLossOutput> {
  const { plan } = ports;
  const entries = input.promotions.map((promotion) => ({
    promotion,
    db: findPlanDatabase(plan, promotion.databaseId),
  }));
  const canary = plan.drills.canary.enabled;
  const databases = canary
    ? await fromCanary(ports, input, entries)
    : entries.map(({ promotion, db }) =>
        estimated(promotion, db, 'the write canary is off (drills.canary.enabled: false)'),
      );
  ports.logger?.info('drill data loss measured', { canary, databases: databases.length });
  return { measuredAt: ports.now().toISOString(), canary, databases, worst: worstOf(databases) };
}

async function fromCanary(
  ports: Ports,
  input: DataLossInput,
  entries: { promotion: Promotion; db: PlanDatabase }[],
): Promise<DatabaseDataLoss[]> {
  const atOutage = input.outage?.copies ?? null;
  const cuts = entries.map(({ promotion, db }) => cutOf(promotion, db, input.outage?.outageAt, atOutage));
  const late = cuts.filter((cut) => cut.copy === null).map((cut) => cut.db);
  const [readLate, primaries] = await Promise.all([
    late.length === 0
      ? Promise.resolve([])
      : readHeartbeats(
          ports.lambda,
          canaryFunctionName(ports.plan, 'reader'),
          ports.plan.regions.dr,
          late.map((db) => ({ databaseId: db.id, instanceIdentifier: copyIdentifierOf(db) })),
        ),
    readPrimaries(ports, cuts),
  ]);
  return cuts.map((cut) => {
    const copy = cut.copy ?? (readLate.find((beat) => beat.databaseId === cut.db.id) as CanaryHeartbeat);
    return combine(cut, copy, primaries.get(cut.db.id) ?? null);
  });
}

interface Cut {
  promotion: Promotion;
  db: PlanDatabase;
  /** The instant both sides are compared at; null when the copy was never promoted. */
  at: string | null;
  /** The copy's heartbeat at the declared outage; null when it must be read after the promotion. */
  copy: CanaryHeartbeat | null;
}

/** The declared outage when the copy was read there; else the promotion (a lower bound). */
function cutOf(
  promotion: Promotion,
  db: PlanDatabase,
  outageAt: string | undefined,
  atOutage: CanaryHeartbeat[] | null,
): Cut {
  const copy = atOutage?.find((beat) => beat.databaseId === db.id && beat.error === undefined);
  if (outageAt !== undefined && copy !== undefined && promotion.startedAt !== null)
    return { promotion, db, at: outageAt, copy };
  return { promotion, db, at: promotion.startedAt, copy: null };
}

/** The primaries' last heartbeats at or before each cut (a copy never promoted has none to compare). */
async function readPrimaries(ports: Ports, cuts: Cut[]): Promise<Map<string, CanaryHeartbeat>> {
  const targets = cuts.flatMap(({ at, db }) =>
    at === null ? [] : [{ databaseId: db.id, instanceIdentifier: db.primary.identifier, before: at }],
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

function combine(cut: Cut, copy: CanaryHeartbeat, primary: CanaryHeartbeat | null): DatabaseDataLoss {
  const { promotion, db } = cut;
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
    cut.at !== null && copy.writtenAt !== null
      ? Math.max(0, (Date.parse(cut.at) - Date.parse(copy.writtenAt)) / 1000)
      : null;
  const atOutage = cut.copy !== null;
  const when = atOutage ? 'at the declared outage' : 'after its promotion';
  const notes = [
    copy.writtenAt === null
      ? `no heartbeat on the copy ${when}`
      : `copy's last heartbeat ${when} #${copy.seq} at ${copy.writtenAt}`,
    primary?.error !== undefined
      ? `the primary's heartbeats could not be read (${primary.error}): writes lost unknown`
      : primary?.seq === null
        ? `no heartbeat on the primary before ${cut.at}`
        : `primary's last heartbeat at or before ${cut.at} #${primary?.seq} at ${primary?.writtenAt}`,
    ...(atOutage
      ? []
      : [
          'the copy could not be read at the declared outage, so it was compared at its promotion: a lower bound (it replicated until the promotion rebooted it)',
        ]),
  ];
  return {
    databaseId: db.id,
    copyIdentifier: copyIdentifierOf(db),
    promotedAt: promotion.startedAt,
    cutAt: cut.at,
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
    cutAt: null,
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
