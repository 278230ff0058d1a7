import { detectionAlarms } from '../plan/names.ts';
import type { Plan } from '../plan/schema.ts';
import { NO_CHANGE_REASONS, type NoChangeReason, type ReportStep, type RunReport } from './schema.ts';
import {
  readConfirmation,
  readDecision,
  readDns,
  readFencing,
  readPreflight,
  readVerification,
  record,
  text,
} from './step-results.ts';

/**
 * The facts of the point of no return and of the traffic switch, read from an execution's output
 * (the final state carries decision, confirmation, fencing, dns and verification) or, for runs
 * that did not get there, from the Task results in its history. What the run did not record is
 * null.
 */
export interface RunSources {
  output: Record<string, unknown>;
  /** Each Task state's own results, oldest first (HistorySteps.taskResults). */
  results: Map<string, unknown[]>;
  steps: readonly ReportStep[];
  running: boolean;
  readableCause: (cause: string | undefined) => string;
}

const latest = (sources: RunSources, state: string): unknown => sources.results.get(state)?.at(-1);

export function noChangeOf(sources: RunSources): { reason: NoChangeReason; detail: string } | null {
  if (foundNothingToChange(sources.output))
    return { reason: 'already-failed-over', detail: ALREADY_FAILED_OVER };
  const reason = NO_CHANGE_REASONS.find((candidate) => candidate === sources.output.outcome);
  if (!reason) return null;
  const cause = text(sources.output.reason);
  if (reason === 'skipped' || reason === 'stood-down')
    return {
      reason,
      detail: cause
        ? sources.readableCause(cause)
        : reason === 'skipped'
          ? 'another failover holds the lock'
          : 'the primary answered again',
    };
  const decided = readDecision(sources.output.decision)?.decision;
  if (reason === 'denied')
    return {
      reason,
      detail: `denied by ${decided?.decidedBy ?? decided?.author ?? 'someone unknown'}: "${decided?.reason ?? 'no reason given'}"`,
    };
  const checks = readDecision(sources.output.decision)?.attempt;
  return {
    reason,
    detail: `nobody decided within the plan's approval timeout${checks ? ` (${checks} checks)` : ''}`,
  };
}

const ALREADY_FAILED_OVER =
  'preflight found nothing left to change (every replica promoted, every DR service at its DR count, traffic on the DR side): an earlier run failed the plan over';

/**
 * A failover, or the dry run of one, whose preflight found nothing left to change: the plan is on
 * the DR side already. A run that resumes a partial failover has changes left, so it still counts
 * as one (and its RTO is measured); a run with none would measure an RTO from an old alarm.
 */
function foundNothingToChange(output: Record<string, unknown>): boolean {
  if (output.outcome === 'already-failed-over') return true;
  if (output.outcome !== 'failed-over' && output.outcome !== 'would-fail-over') return false;
  const changes = output.outcome === 'failed-over' ? output.changes : output.wouldChange;
  return Array.isArray(changes) && changes.length === 0;
}

/** Why a dry run's failover would wait for a person (the preflight's reasons), or null. */
export function wouldWaitOf(sources: RunSources): string | null {
  if (sources.output.outcome !== 'would-wait-for-decision') return null;
  const reasons = record(sources.output.decision)?.reasons;
  const words = Array.isArray(reasons) ? reasons.filter((reason) => typeof reason === 'string') : [];
  return `a failover started now would wait for a person's decision before the point of no return: ${
    words.length > 0 ? words.join('; ') : 'the reasons were not recorded'
  }`;
}

export function decisionOf(sources: RunSources, mode: RunReport['mode']): RunReport['decision'] {
  if (mode === 'dry-run') return null;
  const preflight = readPreflight(latest(sources, 'Preflight'));
  const checked = readDecision(latest(sources, 'CheckDecision'));
  const final = readDecision(sources.output.decision);
  const found = final?.decision ? final : (checked ?? final);
  const required = preflight?.decision?.required ?? (checked !== null || found?.status === 'approved');
  if (!preflight && !found) return null;
  const step = sources.steps.find((candidate) => candidate.kind === 'decision');
  let status: NonNullable<RunReport['decision']>['status'];
  if (!required) status = 'not-required';
  else if (found?.status === 'approved' || found?.status === 'denied') status = found.status;
  else if (sources.output.outcome === 'decision-timed-out' || !sources.running) status = 'timed-out';
  else status = 'pending';
  const decision = found?.decision ?? null;
  return {
    required,
    reasons: preflight?.decision?.reasons ?? [],
    status,
    requestedAt: required ? (step?.startedAt ?? null) : null,
    decidedAt: decision?.decidedAt ?? null,
    author: decision?.author ?? null,
    decidedBy: decision?.decidedBy ?? null,
    reason: decision?.reason ?? null,
    acceptedLossSeconds: decision?.acceptDataLossSeconds ?? null,
    acceptedUnknownLoss: decision?.acceptUnknownDataLoss ?? false,
    checks: found?.attempt ?? null,
  };
}

export function confirmationOf(sources: RunSources): RunReport['confirmation'] {
  const step = sources.steps.find((candidate) => candidate.kind === 'confirm');
  if (sources.output.outcome === 'stood-down') {
    const cause = text(sources.output.reason);
    return {
      at: step?.endedAt ?? null,
      primaryChecked: true,
      primary: 'answered',
      detail: cause
        ? sources.readableCause(cause)
        : 'the primary answered again before the point of no return',
      rpoVerdict: null,
      acceptedBy: null,
    };
  }
  const found = readConfirmation(sources.output.confirmation) ?? readConfirmation(latest(sources, 'Confirm'));
  if (!found) return null;
  return {
    at: found.confirmedAt ?? step?.endedAt ?? null,
    primaryChecked: found.primary.checked,
    primary: found.primary.checked ? found.primary.state : null,
    detail: found.primary.detail,
    rpoVerdict: found.rpo.verdict,
    acceptedBy: found.rpo.acceptedBy,
  };
}

export function trafficOf(sources: RunSources): RunReport['traffic'] {
  const switched =
    readDns(sources.output.dns) ??
    readDns(latest(sources, 'CheckDnsSync')) ??
    readDns(latest(sources, 'SwitchDns'));
  const verified =
    readVerification(sources.output.verification) ?? readVerification(latest(sources, 'VerifyDrEndpoint'));
  if (!switched && !verified) return null;
  return {
    via: switched?.via ?? null,
    answer: verified?.dns?.answer ?? null,
    trafficTo: verified?.dns?.trafficTo ?? null,
    detail: verified?.dns?.detail ?? switched?.after ?? null,
  };
}

/**
 * Fencing as the run last saw it. The fencing loop's last pass may come before the traffic
 * switch; once the switch has held, the traffic row is fenced by it, and the report says so.
 */
export function fencingOf(sources: RunSources, traffic: RunReport['traffic']): RunReport['fencing'] {
  const found = readFencing(record(sources.output.fencing)) ?? readFencing(latest(sources, 'FencePrimary'));
  if (!found) return null;
  const switchStep = sources.steps.find((step) => step.kind === 'dns');
  const switched = switchStep?.outcome === 'succeeded' && traffic !== null;
  return {
    checkedAt: found.checkedAt,
    attempts: found.attempt === null ? null : found.attempt + 1,
    gaveUp: found.gaveUp,
    resources: found.resources.map((resource) =>
      resource.kind === 'traffic' && resource.outcome === 'pending' && switched
        ? {
            ...resource,
            outcome: 'fenced',
            detail: `closed by the traffic switch after the last fencing pass${traffic?.detail ? ` (${traffic.detail})` : ''}`,
          }
        : resource,
    ),
  };
}

/**
 * The alarm that started the run (`requestedBy: alarm:<name>`) and its detection path; null for
 * runs started otherwise. detectionAlarms reads only the plan's name and regions.
 */
export function detectionOf(
  requestedBy: string,
  plan: Pick<Plan, 'name' | 'regions'>,
): { path: 'route53-health-check' | 'dr-probe' | null; alarm: string | null } {
  if (!requestedBy.startsWith('alarm:')) return { path: null, alarm: null };
  const alarm = requestedBy.slice('alarm:'.length);
  const known = detectionAlarms(plan as Plan).find((candidate) => candidate.name === alarm);
  return { path: known?.path ?? null, alarm };
}
