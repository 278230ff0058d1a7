import { formatClock, formatSecondsFigure, plural } from './format.ts';
import {
  type ConfirmResult,
  decider,
  readConfirmation,
  readDecision,
  readDns,
  readFencing,
  readPreflight,
  readVerification,
} from './step-results.ts';

/**
 * What a step found, in a few words, from its last result: the decision and who made it, what
 * the confirmation saw, how far fencing got, how traffic moved. The progress lines, the summary
 * and the HTML timeline show it next to the step.
 */
export interface StepResultContext {
  /** The execution is still running (a pending decision is still being waited for). */
  running: boolean;
}

const seconds = (value: number) => `${formatSecondsFigure(Math.round(value * 10) / 10)} s`;
const clock = (iso: string | null) => (iso ? ` at ${formatClock(iso)} UTC` : '');

export function describePreflight(result: unknown): string | undefined {
  const preflight = readPreflight(result);
  if (!preflight) return undefined;
  const { rpo, decision } = preflight;
  const lag =
    rpo.worstLagSeconds === null
      ? 'replica lag unknown'
      : `worst replica lag ${seconds(rpo.worstLagSeconds)}${rpo.budgetSeconds === null ? '' : ` of ${seconds(rpo.budgetSeconds)}`}`;
  const verdict =
    rpo.verdict === null ? '' : `RPO ${rpo.verdict === 'within' ? 'within budget' : rpo.verdict}`;
  const parts = [verdict ? `${verdict} (${lag})` : ''];
  if (decision?.required)
    parts.push(
      `waits for a person's decision${decision.reasons.length > 0 ? `: ${decision.reasons.join('; ')}` : ''}`,
    );
  return parts.filter(Boolean).join('; ') || undefined;
}

export function describeDecision(result: unknown, context: StepResultContext): string | undefined {
  const found = readDecision(result);
  if (!found) return undefined;
  const { decision } = found;
  if (found.status === 'approved' && decision) {
    const accepted = decision.acceptUnknownDataLoss
      ? '; accepts an unknown data loss'
      : decision.acceptDataLossSeconds !== null
        ? `; accepts up to ${seconds(decision.acceptDataLossSeconds)} of data loss for this run`
        : '';
    return `approved by ${decider(decision)}${clock(decision.decidedAt)}: "${decision.reason ?? 'no reason given'}"${accepted}`;
  }
  if (found.status === 'denied' && decision)
    return `denied by ${decider(decision)}${clock(decision.decidedAt)}: "${decision.reason ?? 'no reason given'}"`;
  const checks = found.attempt === null ? '' : ` after ${plural(found.attempt, 'check')}`;
  const problem = found.problem ? ` (the decision parameter is not a valid decision: ${found.problem})` : '';
  if (found.status === 'pending' && context.running)
    return `waiting for a person's decision${checks ? ` (${plural(found.attempt ?? 0, 'check')} so far)` : ''}${problem}`;
  if (found.status === 'pending') return `nobody decided${checks}: timed out, nothing changed${problem}`;
  return undefined;
}

function describeConfirmRpo(rpo: ConfirmResult['rpo']): string {
  const lag =
    rpo.worstLagSeconds === null
      ? 'replica lag unknown'
      : `lag ${seconds(rpo.worstLagSeconds)}${rpo.budgetSeconds === null ? '' : ` of ${seconds(rpo.budgetSeconds)}`}`;
  if (rpo.verdict === 'within') return `RPO within budget (${lag})`;
  const by = rpo.acceptedBy ? ` by ${rpo.acceptedBy}` : '';
  if (rpo.acceptedUnknown) return `RPO unknown (${lag}), unknown loss accepted${by}`;
  if (rpo.acceptedLossSeconds !== null)
    return `RPO ${rpo.verdict ?? 'unknown'} (${lag}), up to ${seconds(rpo.acceptedLossSeconds)} of loss accepted${by}`;
  return `RPO ${rpo.verdict ?? 'unknown'} (${lag})`;
}

export function describeConfirm(result: unknown): string | undefined {
  const found = readConfirmation(result);
  if (!found) return undefined;
  const primary = found.primary.checked
    ? found.primary.state === 'down'
      ? 'primary re-checked from the DR region: still down'
      : 'primary re-checked from the DR region: unknown (the probe could not be made)'
    : 'primary not re-checked (started by hand)';
  return `${primary}; ${describeConfirmRpo(found.rpo)}`;
}

/** The answer a refusal gave (the lock, the primary back), as the step's result. */
export function describeAnswer(error: string, cause: string): string {
  if (error === 'PrimaryRecoveredError') return `stood down, nothing changed: ${cause}`;
  if (error === 'FailoverInProgressError')
    return `skipped by the one-failover-at-a-time lock, nothing changed: ${cause}`;
  return `${error}: ${cause}`;
}

export function describeFencing(result: unknown): string | undefined {
  const found = readFencing(result);
  if (!found) return undefined;
  if (found.gaveUp) return 'fencing gave up (the failover went on; the fence schedule fences later)';
  // The traffic gate is closed by the switch, after the last fencing pass: counted there.
  const primary = found.resources.filter((resource) => resource.kind !== 'traffic');
  const by = (outcome: 'fenced' | 'pending' | 'failed') =>
    primary.filter((resource) => resource.outcome === outcome).length;
  const parts = [`${by('fenced')} of ${primary.length} fenced`];
  if (by('pending') > 0) parts.push(`${by('pending')} pending (their region does not answer yet)`);
  if (by('failed') > 0) parts.push(`${by('failed')} failed`);
  const tries = found.attempt === null ? '' : ` after ${plural(found.attempt + 1, 'pass', 'passes')}`;
  const later = by('pending') > 0 ? '; the fence schedule fences the rest when the region answers' : '';
  return `old primary: ${parts.join(', ')}${tries}${later}`;
}

export function describeDns(result: unknown): string | undefined {
  const found = readDns(result);
  if (!found) return undefined;
  const how =
    found.via === 'data-plane'
      ? 'through the data plane (the traffic gate in the DR region, no Route 53 API call)'
      : found.via === 'route53-api'
        ? `through the Route 53 API (control plane${found.changeId ? `, change ${found.changeId}` : ''})`
        : '';
  const state = found.alreadySwitched ? 'already switched' : (found.after ?? '');
  return [how, state].filter(Boolean).join(': ') || undefined;
}

export function describeVerification(result: unknown): string | undefined {
  const found = readVerification(result);
  if (!found) return undefined;
  const endpoint = found.httpStatus === null ? '' : `DR endpoint answered HTTP ${found.httpStatus}`;
  const dns = found.dns?.answer
    ? `DNS answers ${found.dns.answer}${found.dns.trafficTo ? ` (${found.dns.trafficTo})` : ''}`
    : found.dns
      ? `DNS answer unknown${found.dns.detail ? ` (${found.dns.detail})` : ''}`
      : '';
  return [endpoint, dns].filter(Boolean).join('; ') || undefined;
}
