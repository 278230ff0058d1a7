import type { Plan } from '../../plan/schema.ts';
import type { NotifyInput } from '../shared/contracts.ts';
import { dnsRecordResource, drServiceResource, replicaResource } from '../shared/resource-names.ts';
import { formatDuration } from './duration.ts';
import type { FailureDescription } from './failure.ts';
import type { StepResults } from './step-results.ts';
import { cleanSubject } from './subject.ts';

export { MAX_SUBJECT_CHARS } from './subject.ts';

export interface SummaryContext {
  plan: Plan;
  event: 'started' | 'succeeded' | 'failed';
  request: NotifyInput['request'];
  results: StepResults;
  failure: FailureDescription | null;
  elapsedSeconds: number;
}

/**
 * A successful run that found nothing to change: its preflight saw every resource already in
 * the DR state (a second run of a plan already failed over). The report calls it NO CHANGE
 * (already-failed-over, report/run-facts.ts); the notice must not read as a fresh failover.
 * A resumed partial failover still has changes left, so it is not one.
 */
export function foundNothingToChange({ event, request, results }: SummaryContext): boolean {
  return event === 'succeeded' && request.mode !== 'dry-run' && results.preflight?.changes.length === 0;
}

export function subjectLine(context: SummaryContext): string {
  const { plan, event, request, failure, elapsedSeconds } = context;
  const mode = request.mode ?? 'failover';
  const elapsed = formatDuration(elapsedSeconds);
  const incident = request.incidentId ? ` (${request.incidentId})` : '';
  const succeeded = foundNothingToChange(context)
    ? `[drctl] ${plan.name} ${mode} SUCCEEDED with no change: already on ${plan.regions.dr}${incident}`
    : `[drctl] ${plan.name} ${mode} SUCCEEDED in ${elapsed}`;
  const text =
    event === 'started'
      ? `[drctl] ${plan.name} ${mode} STARTED${incident}`
      : event === 'succeeded'
        ? succeeded
        : `[drctl] ${plan.name} ${mode} FAILED after ${elapsed}${failure ? `: ${failure.name}` : ''}`;
  return cleanSubject(text);
}

/** The human part of the message: what happened, who asked and why, RTO so far, what changed, what next. */
export function summaryText(context: SummaryContext): string {
  const { plan, event, request, failure, results } = context;
  const mode = request.mode ?? 'failover';
  const lines: string[] = [];
  const headline = {
    started: `drctl ${mode} of plan "${plan.name}" STARTED: ${plan.regions.primary} → ${plan.regions.dr}.`,
    succeeded: foundNothingToChange(context)
      ? `drctl ${mode} of plan "${plan.name}" SUCCEEDED with NO CHANGE: the application already served from ${plan.regions.dr} before this run, so there was nothing left to fail over.`
      : `drctl ${mode} of plan "${plan.name}" SUCCEEDED: the application now serves from ${plan.regions.dr}.`,
    failed: `drctl ${mode} of plan "${plan.name}" FAILED.`,
  }[event];
  lines.push(headline, '');
  lines.push(
    `Requested by: ${request.requestedBy ?? 'unknown'}; incident ${request.incidentId ?? 'unknown'}; reason: ${request.reason ?? 'not given'}`,
  );
  lines.push(rtoLine(context));
  if (results.preflight) {
    const { worstLagSeconds, budgetSeconds } = results.preflight.rpo;
    lines.push(
      worstLagSeconds === null
        ? `RPO: no replica lag to judge (databases were already promoted); budget ${budgetSeconds} s.`
        : `RPO: worst replica lag last observed while replication was active: ${worstLagSeconds} s (budget ${budgetSeconds} s).`,
    );
  }
  if (failure) lines.push('', `Error: ${failure.name}: ${failure.message}`);
  lines.push(...pointOfNoReturnLines(context));
  lines.push('', ...changesSection(context), ...fencingSection(context), '', `Next: ${nextStep(context)}`);
  if (results.unreadable.length > 0) {
    lines.push(
      '',
      `Note: step result(s) with an unexpected shape were left out: ${results.unreadable.join(', ')}.`,
    );
  }
  return lines.join('\n');
}

function rtoLine(context: SummaryContext): string {
  const { plan, elapsedSeconds, event } = context;
  if (foundNothingToChange(context)) {
    return `RTO: none, this run recovered nothing (it took ${formatDuration(elapsedSeconds)} to find everything already failed over).`;
  }
  const objective = plan.objectives.rtoSeconds;
  const label = event === 'succeeded' ? 'RTO' : 'RTO so far';
  const verdict =
    elapsedSeconds > objective
      ? `OVER the objective of ${formatDuration(objective)} by ${formatDuration(elapsedSeconds - objective)}`
      : `objective ${formatDuration(objective)}`;
  return `${label}: ${formatDuration(elapsedSeconds)} since the execution started (${verdict}).`;
}

function changesSection({ plan, event, results }: SummaryContext): string[] {
  const bullet = (text: string) => `  - ${text}`;
  if (event === 'started') {
    const planned = results.preflight?.changes ?? [];
    return planned.length === 0
      ? ['Planned changes: none (everything is already in the DR state).']
      : [
          'Planned changes:',
          ...planned.map((c) => bullet(`${c.resource}: ${c.action} (${c.before} → ${c.after})`)),
        ];
  }
  if (event === 'succeeded') {
    const done: string[] = [];
    for (const p of results.promotions ?? []) {
      const db = plan.databases.find((d) => d.id === p.databaseId);
      const name = db ? replicaResource(db) : p.identifier;
      done.push(
        p.alreadyPromoted
          ? `${name}: was already promoted before this run`
          : `${name}: promoted (${p.status})`,
      );
    }
    for (const s of results.scalings ?? []) {
      const service = plan.services.find((x) => x.id === s.serviceId);
      const name = service ? drServiceResource(plan, service) : `${s.cluster}/${s.service}`;
      done.push(
        `${name}: desiredCount ${s.desiredCount}, running ${s.runningCount}${s.alreadyScaled ? ' (already scaled before this run)' : ''}`,
      );
    }
    if (results.dns) {
      done.push(
        results.dns.alreadySwitched
          ? `${dnsRecordResource(plan)}: already pointed to ${results.dns.after}`
          : `${dnsRecordResource(plan)}: ${results.dns.before ?? '(none)'} → ${results.dns.after}`,
      );
    }
    if (done.length === 0 && results.preflight) {
      done.push(
        ...results.preflight.changes.map((c) => `${c.resource}: ${c.action} (${c.before} → ${c.after})`),
      );
    }
    return done.length === 0 ? ['What changed: nothing reported.'] : ['What changed:', ...done.map(bullet)];
  }
  // failed
  if (results.assessment) {
    const { changes, unknown } = results.assessment;
    const section =
      changes.length === 0
        ? ['Already changed: nothing (every readable resource is still in its pilot-light state).']
        : [
            'Already changed:',
            ...changes.map((c) => bullet(`${c.resource} ${c.action} (${c.before} → ${c.after})`)),
          ];
    if (unknown.length > 0) section.push('Could not be read (check by hand):', ...unknown.map(bullet));
    return section;
  }
  if (results.assessmentFailure) {
    return [
      `Already changed: UNKNOWN, the assessment failed (${results.assessmentFailure}). Check every database, service and the DNS record by hand.`,
    ];
  }
  if (results.preflight === undefined)
    return ['Already changed: nothing; the run stopped in preflight, before any change.'];
  return [
    'Already changed: UNKNOWN, no assessment was passed. Check every database, service and the DNS record by hand.',
  ];
}

function nextStep({ plan, event, results }: SummaryContext): string {
  if (event === 'started') {
    return 'nothing yet. Another message follows when the failover succeeds or fails; do not change the plan resources by hand meanwhile.';
  }
  if (event === 'succeeded') {
    const pending = results.fencing?.resources.some((r) => r.outcome !== 'fenced') ?? true;
    return pending
      ? `the old primary in ${plan.regions.primary} is not fenced everywhere yet: drctl fences what is pending as soon as the region answers (check drctl status). Plan the failback once ${plan.regions.primary} is healthy, and keep this message as evidence (timeline below).`
      : `the old primary in ${plan.regions.primary} is fenced (no traffic, no writes). Plan the failback once ${plan.regions.primary} is healthy, and keep this message as evidence (timeline below).`;
  }
  const restart =
    'Fix the cause, then start the failover again with the same input: completed steps are skipped, no second promotion.';
  return results.preflight === undefined ? `${restart} Nothing was changed by this run.` : restart;
}

/** Who decided, what was confirmed before the point of no return, and what data loss was accepted. */
function pointOfNoReturnLines({ results }: SummaryContext): string[] {
  const lines: string[] = [];
  const decision = results.decision?.decision;
  if (decision) {
    const who = [decision.decidedBy, decision.author].filter(Boolean).join(' as ') || 'unknown';
    lines.push(
      `Decision: ${decision.decision} by ${who} at ${decision.decidedAt ?? 'an unknown time'}: ${decision.reason}`,
    );
  }
  const confirmation = results.confirmation;
  if (confirmation) {
    const accepted = confirmation.rpo.acceptedUnknown
      ? 'accepted an unknown data loss'
      : confirmation.rpo.acceptedLossSeconds !== null
        ? `accepted up to ${confirmation.rpo.acceptedLossSeconds} s of data loss for this run`
        : null;
    if (accepted) lines.push(`Data loss: ${accepted} (${confirmation.rpo.acceptedBy ?? 'unknown'}).`);
    if (confirmation.primary.checked) {
      lines.push(`Primary still down before promotion: ${confirmation.primary.detail}.`);
    }
  }
  return lines.length > 0 ? ['', ...lines] : [];
}

/** The old primary's fencing, per resource. */
function fencingSection({ event, results }: SummaryContext): string[] {
  if (event === 'started' || results.fencing === undefined) return [];
  const rows = results.fencing.resources.map(
    (r) => `  - ${r.resource}: ${r.outcome.toUpperCase()} (${r.detail})`,
  );
  const pending = results.fencing.resources.some((r) => r.outcome !== 'fenced');
  return [
    '',
    pending
      ? 'Old primary fencing (pending ones are fenced by the schedule as soon as the region answers):'
      : 'Old primary fencing:',
    ...rows,
  ];
}
