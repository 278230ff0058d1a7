/**
 * Readers of the Task results the report cares about (functions/shared/contracts.ts shapes),
 * tolerant of anything: a history is input from outside, and a field that is missing or of the
 * wrong type reads as unknown (null), never as a default that looks like a fact.
 */
export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

export function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

export function nonNegative(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 time as the report schema accepts it, or null. */
export function isoTime(value: unknown): string | null {
  return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? value : null;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | null {
  return allowed.find((candidate) => candidate === value) ?? null;
}

// ---- Decision (CheckDecision: DecisionOutput; StartWaiting / Preflight: a status only) --------

export interface DecisionResult {
  status: 'not-required' | 'pending' | 'approved' | 'denied' | null;
  checkedAt: string | null;
  attempt: number | null;
  problem: string | null;
  decision: {
    decision: 'approve' | 'deny' | null;
    reason: string | null;
    author: string | null;
    decidedBy: string | null;
    decidedAt: string | null;
    acceptDataLossSeconds: number | null;
    acceptUnknownDataLoss: boolean;
  } | null;
}

export function readDecision(value: unknown): DecisionResult | null {
  const fields = record(value);
  if (!fields || typeof fields.status !== 'string') return null;
  const recorded = record(fields.decision);
  return {
    status: oneOf(fields.status, ['not-required', 'pending', 'approved', 'denied'] as const),
    checkedAt: isoTime(fields.checkedAt),
    attempt: count(fields.attempt),
    problem: text(fields.problem),
    decision: recorded
      ? {
          decision: oneOf(recorded.decision, ['approve', 'deny'] as const),
          reason: text(recorded.reason),
          author: text(recorded.author),
          decidedBy: text(recorded.decidedBy),
          decidedAt: isoTime(recorded.decidedAt),
          acceptDataLossSeconds: nonNegative(recorded.acceptDataLossSeconds),
          acceptUnknownDataLoss: recorded.acceptUnknownDataLoss === true,
        }
      : null,
  };
}

/** Who decided, in words: what they said about themselves and the identity that wrote it. */
export function decider(decision: { author: string | null; decidedBy: string | null }): string {
  const { author, decidedBy } = decision;
  if (decidedBy && author && decidedBy !== author) return `${decidedBy} (written by ${author})`;
  return decidedBy ?? author ?? 'someone unknown';
}

// ---- Confirm (ConfirmOutput) -----------------------------------------------------------------

export interface ConfirmResult {
  confirmedAt: string | null;
  primary: { checked: boolean; state: 'down' | 'unknown' | null; detail: string };
  rpo: {
    verdict: 'within' | 'over' | 'unknown' | null;
    worstLagSeconds: number | null;
    budgetSeconds: number | null;
    acceptedLossSeconds: number | null;
    acceptedUnknown: boolean;
    acceptedBy: string | null;
  };
}

export function readConfirmation(value: unknown): ConfirmResult | null {
  const fields = record(value);
  const primary = record(fields?.primary);
  if (!fields || !primary) return null;
  const rpo = record(fields.rpo) ?? {};
  return {
    confirmedAt: isoTime(fields.confirmedAt),
    primary: {
      checked: primary.checked === true,
      state: oneOf(primary.state, ['down', 'unknown'] as const),
      detail: text(primary.detail) ?? '',
    },
    rpo: {
      verdict: oneOf(rpo.verdict, ['within', 'over', 'unknown'] as const),
      worstLagSeconds: nonNegative(rpo.worstLagSeconds),
      budgetSeconds: nonNegative(rpo.budgetSeconds),
      acceptedLossSeconds: nonNegative(rpo.acceptedLossSeconds),
      acceptedUnknown: rpo.acceptedUnknown === true,
      acceptedBy: text(rpo.acceptedBy),
    },
  };
}

// ---- Fencing (FenceOutput) -------------------------------------------------------------------

export interface FencedResourceResult {
  resource: string;
  kind: 'service' | 'database' | 'traffic';
  outcome: 'fenced' | 'pending' | 'failed';
  action: string;
  detail: string;
}

export interface FenceResult {
  checkedAt: string | null;
  attempt: number | null;
  done: boolean | null;
  gaveUp: boolean;
  resources: FencedResourceResult[];
}

export function readFencing(value: unknown): FenceResult | null {
  const fields = record(value);
  if (!fields || !Array.isArray(fields.resources)) return null;
  const resources: FencedResourceResult[] = [];
  for (const item of fields.resources) {
    const entry = record(item);
    const kind = oneOf(entry?.kind, ['service', 'database', 'traffic'] as const);
    const outcome = oneOf(entry?.outcome, ['fenced', 'pending', 'failed'] as const);
    const resource = text(entry?.resource);
    if (!entry || !kind || !outcome || !resource) continue;
    resources.push({
      resource,
      kind,
      outcome,
      action: text(entry.action) ?? '',
      detail: text(entry.detail) ?? '',
    });
  }
  return {
    checkedAt: isoTime(fields.checkedAt),
    attempt: count(fields.attempt),
    done: typeof fields.done === 'boolean' ? fields.done : null,
    gaveUp: fields.gaveUp === true,
    resources,
  };
}

// ---- Traffic (DnsOutput, VerifyOutput) -------------------------------------------------------

export interface DnsResult {
  via: 'data-plane' | 'route53-api' | null;
  before: string | null;
  after: string | null;
  changeId: string | null;
  status: string | null;
  done: boolean | null;
  alreadySwitched: boolean;
}

export function readDns(value: unknown): DnsResult | null {
  const fields = record(value);
  if (!fields || (fields.via === undefined && fields.after === undefined && fields.done === undefined))
    return null;
  return {
    via: oneOf(fields.via, ['data-plane', 'route53-api'] as const),
    before: text(fields.before),
    after: text(fields.after),
    changeId: text(fields.changeId),
    status: text(fields.status),
    done: typeof fields.done === 'boolean' ? fields.done : null,
    alreadySwitched: fields.alreadySwitched === true,
  };
}

export interface VerifyResult {
  url: string | null;
  httpStatus: number | null;
  verifiedAt: string | null;
  dns: {
    answer: string | null;
    trafficTo: 'dr' | 'primary' | 'unknown' | null;
    detail: string | null;
  } | null;
}

export function readVerification(value: unknown): VerifyResult | null {
  const fields = record(value);
  if (!fields || (fields.verifiedAt === undefined && fields.httpStatus === undefined)) return null;
  const dns = record(fields.dns);
  return {
    url: text(fields.url),
    httpStatus: count(fields.httpStatus),
    verifiedAt: isoTime(fields.verifiedAt),
    dns: dns
      ? {
          answer: text(dns.answer),
          trafficTo: oneOf(dns.trafficTo, ['dr', 'primary', 'unknown'] as const),
          detail: text(dns.detail),
        }
      : null,
  };
}

// ---- Preflight (PreflightOutput) -------------------------------------------------------------

export interface PreflightResult {
  rpo: {
    verdict: 'within' | 'over' | 'unknown' | null;
    worstLagSeconds: number | null;
    budgetSeconds: number | null;
  };
  decision: { required: boolean; reasons: string[] } | null;
}

export function readPreflight(value: unknown): PreflightResult | null {
  const fields = record(value);
  if (!fields) return null;
  const rpo = record(fields.rpo);
  const decision = record(fields.decision);
  if (!rpo && !decision) return null;
  return {
    rpo: {
      verdict: oneOf(rpo?.verdict, ['within', 'over', 'unknown'] as const),
      worstLagSeconds: nonNegative(rpo?.worstLagSeconds),
      budgetSeconds: nonNegative(rpo?.budgetSeconds),
    },
    decision: decision
      ? {
          required: decision.required === true,
          reasons: Array.isArray(decision.reasons)
            ? decision.reasons.filter((reason): reason is string => typeof reason === 'string')
            : [],
        }
      : null,
  };
}
