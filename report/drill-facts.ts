import * as z from '../functions/shared/validator.ts';
import { DATA_LOSS_BASES, type DrillCopy, type DrillFacts, drillResourceSchema } from './schema.ts';

/**
 * A drill's facts (report/schema.ts `drill`) read from the drill machine's task results
 * (statemachines/drill.asl.json, outputs in functions/shared/drill-contracts.ts): the copies from
 * CreateCopy, the copy-status polls, the promotions and the cleanup; the declared outage; the
 * verification through the drill name; the data loss; the sweep; the verdict. A step that did not
 * run leaves its fact null (or a copy's field null): unknown is never filled in.
 */
const isoTime = z.iso.datetime({ offset: true });
const time = (value: unknown): string | null => (isoTime.safeParse(value).success ? (value as string) : null);
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const nonNegative = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;

function fields(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(fields) : [];
}

const resourcesSchema = z.array(drillResourceSchema);
const basisSchema = z.enum(DATA_LOSS_BASES);
const verdictSchema = z.object({
  outcome: z.enum(['succeeded', 'failed', 'objective-missed', 'cleanup-incomplete']),
  error: z.nullable(z.string()),
  cause: z.string(),
});

type Results = ReadonlyMap<string, readonly unknown[]>;

/**
 * The last result of a state, or of a loop: its first task then its checks run one after the
 * other, so the loop's last result is the checks' last one when it checked at all.
 */
function latest(results: Results, first: string, check?: string): Record<string, unknown> | null {
  const value = (check === undefined ? undefined : results.get(check)?.at(-1)) ?? results.get(first)?.at(-1);
  return value === undefined ? null : fields(value);
}

/**
 * The cleanup as its last poll saw it. A cleanup whose polls ran out with resources still pending
 * (the execution went on to its verdict) left them behind; while the drill runs it is just not
 * done yet.
 */
function cleanupOf(results: Results, running: boolean): DrillFacts['cleanup'] {
  const last = latest(results, 'Cleanup', 'CheckCleanup');
  if (!last) return null;
  const parsed = resourcesSchema.safeParse(last.resources);
  const resources = parsed.success ? parsed.data : [];
  const listed = z.array(z.string()).safeParse(last.leftBehind);
  const leftBehind = listed.success ? listed.data : [];
  if (last.done === true && typeof last.complete === 'boolean') {
    return { at: time(last.checkedAt), complete: last.complete, resources, leftBehind };
  }
  const pending = resources
    .filter((r) => r.outcome === 'pending' || r.outcome === 'failed')
    .map((r) => `${r.resource}: ${r.outcome}${r.detail ? ` (${r.detail})` : ''}`);
  return {
    at: time(last.checkedAt),
    complete: running ? null : false,
    resources,
    leftBehind: running ? leftBehind : [...new Set([...leftBehind, ...pending])],
  };
}

function sweepOf(results: Results): DrillFacts['sweep'] {
  const last = latest(results, 'Sweep', 'CheckSweep');
  if (!last) return null;
  const resources = resourcesSchema.safeParse(last.resources);
  return { at: time(last.sweptAt), resources: resources.success ? resources.data : [] };
}

/** When the cleanup first saw each resource cleaned, by resource. */
function cleanedAt(results: Results): Map<string, string> {
  const polls = [...(results.get('Cleanup') ?? []), ...(results.get('CheckCleanup') ?? [])]
    .map(fields)
    .sort((a, b) => String(a.checkedAt).localeCompare(String(b.checkedAt)));
  const seen = new Map<string, string>();
  for (const poll of polls) {
    const at = time(poll.checkedAt);
    if (!at) continue;
    for (const resource of list(poll.resources)) {
      const name = text(resource.resource);
      if (name && resource.outcome === 'cleaned' && !seen.has(name)) seen.set(name, at);
    }
  }
  return seen;
}

function copiesOf(results: Results, databases: Record<string, unknown>[]): DrillCopy[] {
  const created = (results.get('CreateCopy') ?? []).map(fields);
  const status = latest(results, 'CheckCopies');
  const promotions = [
    ...(results.get('PromoteCopy') ?? []),
    ...(results.get('CheckCopyPromotion') ?? []),
  ].map(fields);
  const cleaned = cleanedAt(results);
  const ids = new Set<string>();
  for (const source of [databases.map((db) => db.id), created.map((c) => c.databaseId)]) {
    for (const id of source) if (typeof id === 'string') ids.add(id);
  }
  return [...ids].map((databaseId): DrillCopy => {
    const planned = databases.find((db) => db.id === databaseId) ?? {};
    const create = created.findLast((c) => c.databaseId === databaseId) ?? {};
    const polled = list(status?.copies).find((c) => c.databaseId === databaseId);
    const promotion = promotions.filter((p) => p.databaseId === databaseId).at(-1);
    const identifier = text(create.copyIdentifier) ?? text(planned.copyIdentifier) ?? `${databaseId} copy`;
    const deletedAt = [...cleaned].find(([resource]) => resource.endsWith(`:${identifier}`))?.[1] ?? null;
    return {
      databaseId,
      identifier,
      sourceIdentifier: text(create.sourceIdentifier) ?? text(planned.replicaIdentifier),
      createdAt: time(create.requestedAt),
      availableAt: polled?.available === true ? time(status?.readyAt) : null,
      promotedAt: time(promotion?.startedAt),
      promotionCompletedAt: time(promotion?.completedAt),
      deletedAt,
      lagAtPromotionSeconds: nonNegative(promotion?.lagAtPromotionSeconds),
      status: deletedAt
        ? 'deleted'
        : (text(promotion?.status) ?? text(polled?.status) ?? text(create.status)),
    };
  });
}

function dataLossOf(results: Results): DrillFacts['dataLoss'] {
  const measured = latest(results, 'MeasureDataLoss');
  if (!measured) return null;
  const basis = basisSchema.safeParse(fields(measured.worst).basis);
  return {
    basis: basis.success ? basis.data : 'unknown',
    databases: list(measured.databases).map((db) => {
      const own = basisSchema.safeParse(db.basis);
      const writes = nonNegative(db.writesLost);
      return {
        databaseId: text(db.databaseId) ?? 'database',
        copyIdentifier: text(db.copyIdentifier),
        writesLost: writes === null ? null : Math.round(writes),
        secondsLost: nonNegative(db.secondsLost),
        basis: own.success ? own.data : 'unknown',
        detail: text(db.detail) ?? '',
      };
    }),
  };
}

export interface DrillRun {
  facts: DrillFacts;
  /** The verdict's figures, the report's RTO and RPO for a drill. */
  rto: { seconds: number | null; met: boolean | null };
  rpo: { seconds: number | null; writesLost: number | null; met: boolean | null; basis: string | null };
}

export function drillFactsOf(results: Results, running = false): DrillRun {
  const preflight = latest(results, 'DrillPreflight') ?? {};
  const outage = latest(results, 'DeclareOutage');
  const verification = latest(results, 'VerifyThroughDrillName');
  const verdictResult = latest(results, 'DrillVerdict');
  const verdict = verdictSchema.safeParse(verdictResult);
  const outageAt = time(outage?.outageAt);
  const servedAt = time(verification?.verifiedAt);
  const dataLoss = dataLossOf(results);
  const facts: DrillFacts = {
    recordName: text(preflight.drillRecord) ?? text(fields(verification?.dns).record),
    outageAt,
    servedAt,
    answer: text(fields(verification?.dns).answer),
    copies: copiesOf(results, list(preflight.databases)),
    dataLoss,
    sweep: sweepOf(results),
    cleanup: cleanupOf(results, running),
    verdict: verdict.success ? verdict.data : null,
    production: null,
  };
  const rtoSeconds =
    outageAt && servedAt && Date.parse(servedAt) >= Date.parse(outageAt)
      ? (Date.parse(servedAt) - Date.parse(outageAt)) / 1000
      : null;
  const verdictRpo = fields(verdictResult?.rpo);
  const verdictRto = fields(verdictResult?.rto);
  const rpoSeconds = nonNegative(verdictRpo.seconds) ?? nonNegative(fields(latestWorst(results)).secondsLost);
  const writes = nonNegative(verdictRpo.writesLost) ?? nonNegative(fields(latestWorst(results)).writesLost);
  const basis = text(verdictRpo.basis) ?? dataLoss?.basis ?? null;
  return {
    facts,
    rto: {
      seconds: rtoSeconds,
      met: typeof verdictRto.met === 'boolean' ? verdictRto.met : null,
    },
    rpo: {
      // No data-loss step, no figure: a verdict's RPO without one is not a measurement.
      seconds: basis === 'unknown' || dataLoss === null ? null : rpoSeconds,
      writesLost: writes === null || dataLoss === null ? null : Math.round(writes),
      met: typeof verdictRpo.met === 'boolean' && dataLoss !== null ? verdictRpo.met : null,
      basis,
    },
  };
}

function latestWorst(results: Results): unknown {
  return latest(results, 'MeasureDataLoss')?.worst;
}
