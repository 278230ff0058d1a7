import { dependencyName, requiredCallsIntoFailure } from '../../report/dependencies.ts';
import { formatClock, formatDuration, formatSecondsFigure, plural } from '../../report/format.ts';
import type { RunReport } from '../../report/schema.ts';
import { decider } from '../../report/step-results.ts';

/**
 * The words of the summary's fact lines, from the run report: which detection path fired, how
 * traffic moved, what the recovery called, the decision, the confirmation and the fencing.
 * Each returns null when the report does not know (older reports, runs that did not get there).
 */
const seconds = (value: number) => `${formatSecondsFigure(Math.round(value * 10) / 10)} s`;

export const NO_CHANGE_WORDS: Record<NonNullable<RunReport['noChangeReason']>, string> = {
  skipped: 'skipped (another failover holds the lock)',
  'stood-down': 'stood down (the primary answered again before the point of no return)',
  denied: 'denied (a person decided against it)',
  'decision-timed-out': 'decision timed out (nobody decided in time)',
  refused:
    "refused by the drill's preflight (a failover runs or the plan is failed over, another drill runs, or a replica cannot be copied)",
  'already-failed-over': 'already failed over (nothing was left to change on the DR side)',
};

export function detectionPathWords(report: RunReport): string | null {
  const { path, alarm } = report.detection;
  if (!path && !alarm) return null;
  const dr = report.plan.regions.dr;
  const where = path === 'dr-probe' ? ` in ${dr}` : path === 'route53-health-check' ? ' in us-east-1' : '';
  const name =
    path === 'dr-probe'
      ? 'the DR-side probe'
      : path === 'route53-health-check'
        ? 'the fast path (Route 53 health check)'
        : 'an alarm';
  return `${name}${alarm ? ` (alarm ${alarm}${where})` : ''}`;
}

export function trafficWords(report: RunReport): string | null {
  const traffic = report.traffic;
  if (!traffic) return null;
  const via =
    traffic.via === 'data-plane'
      ? `moved through the data plane (traffic gate in ${report.plan.regions.dr}, no Route 53 API call)`
      : traffic.via === 'route53-api'
        ? 'moved through the Route 53 API (control plane, us-east-1)'
        : 'how it moved is unknown';
  const answer = traffic.answer
    ? `DNS answers ${traffic.answer}${traffic.trafficTo ? ` (${traffic.trafficTo})` : ''}`
    : 'the DNS answer is unknown';
  return `${via}; ${answer}`;
}

export function callsWords(report: RunReport): string | null {
  const reach = requiredCallsIntoFailure(report);
  const rows = report.dependencies ?? [];
  if (reach === null || !report.dependencySource) return null;
  const counted = report.dependencySource.kind === 'measured';
  const place = `${reach.failedRegion} or the Route 53 API`;
  const verdict =
    reach.rows.length === 0
      ? `no required call reached ${place}`
      : `required calls reached ${place}: ${reach.rows.map((row) => `${dependencyName(row)}${row.calls === null ? '' : ` ×${row.calls}`}`).join(', ')}`;
  if (!counted) return `${verdict} (declared by the recovery path's model; calls not counted)`;
  const total = rows.reduce((sum, row) => sum + (row.calls ?? 0), 0);
  const bestEffort = rows.filter((row) => !row.required && row.region === reach.failedRegion);
  const bestEffortCalls = bestEffort.reduce((sum, row) => sum + (row.calls ?? 0), 0);
  const bestEffortFailed = bestEffort.reduce((sum, row) => sum + (row.failed ?? 0), 0);
  const extra =
    bestEffortCalls > 0
      ? `; ${plural(bestEffortCalls, 'best-effort call')} to ${reach.failedRegion}, ${bestEffortFailed === bestEffortCalls ? 'all failed' : `${bestEffortFailed} failed`}`
      : '';
  return `${verdict} (${plural(total, 'call')} counted${extra})`;
}

export function decisionWords(report: RunReport): string | null {
  const decision = report.decision;
  if (!decision) return null;
  if (decision.status === 'not-required') return 'not needed (automatic trigger, RPO within budget)';
  const when = (iso: string | null) => (iso ? ` at ${formatClock(iso)} UTC` : '');
  const why = decision.reason ? `: "${decision.reason}"` : '';
  const accepted = decision.acceptedUnknownLoss
    ? '; accepted an unknown data loss'
    : decision.acceptedLossSeconds !== null
      ? `; accepted up to ${seconds(decision.acceptedLossSeconds)} of data loss for this run`
      : '';
  const asked = decision.reasons.length > 0 ? ` (asked because ${decision.reasons.join('; ')})` : '';
  switch (decision.status) {
    case 'approved':
      return `approved by ${decider(decision)}${when(decision.decidedAt)}${why}${accepted}`;
    case 'denied':
      return `denied by ${decider(decision)}${when(decision.decidedAt)}${why}`;
    case 'timed-out':
      return `nobody decided${decision.checks ? ` after ${plural(decision.checks, 'check')}` : ''}: timed out${asked}`;
    default:
      return `waiting for a person's decision${asked}`;
  }
}

export function confirmationWords(report: RunReport): string | null {
  const confirmation = report.confirmation;
  if (!confirmation) return null;
  if (confirmation.primary === 'answered') return `the primary answered again: ${confirmation.detail}`;
  const primary = confirmation.primaryChecked
    ? `primary re-checked from ${report.plan.regions.dr}: ${confirmation.primary === 'down' ? 'still down' : 'unknown (no probe possible)'}`
    : 'primary not re-checked (started by hand)';
  const rpo =
    confirmation.rpoVerdict === null
      ? ''
      : confirmation.rpoVerdict === 'within'
        ? '; RPO within budget'
        : `; RPO ${confirmation.rpoVerdict}${confirmation.acceptedBy ? `, accepted by ${confirmation.acceptedBy}` : ''}`;
  return `${primary}${rpo}`;
}

export function fencingWords(report: RunReport): { line: string; failed: string[] } | null {
  const fencing = report.fencing;
  if (!fencing) return null;
  if (fencing.gaveUp && fencing.resources.length === 0)
    return {
      line: 'the fencing loop gave up (the fence schedule fences the old primary later)',
      failed: [],
    };
  const primary = fencing.resources.filter((resource) => resource.kind !== 'traffic');
  const by = (outcome: string) => primary.filter((resource) => resource.outcome === outcome).length;
  const parts = [`${by('fenced')} of ${primary.length} fenced`];
  if (by('pending') > 0)
    parts.push(
      `${by('pending')} pending (${report.plan.regions.primary} does not answer yet: the fence schedule fences them when it does)`,
    );
  if (by('failed') > 0) parts.push(`${by('failed')} failed`);
  const traffic = fencing.resources.find((resource) => resource.kind === 'traffic');
  // Pending traffic says why (the gate is still open); fenced traffic needs no more words.
  const trafficText = traffic
    ? `; traffic ${traffic.outcome}${traffic.outcome === 'fenced' ? '' : ` (${traffic.detail})`}`
    : '';
  const passes = fencing.attempts === null ? '' : ` (${plural(fencing.attempts, 'pass', 'passes')})`;
  return {
    line: `old primary${passes}: ${parts.join(', ')}${trafficText}`,
    failed: fencing.resources
      .filter((resource) => resource.outcome === 'failed')
      .map((resource) => `${resource.resource}: ${resource.action}: ${resource.detail}`),
  };
}

export function rpoWords(report: RunReport): string {
  const rpo = report.rpo;
  const lost =
    rpo.seconds === null
      ? 'writes lost unknown'
      : rpo.basis === 'replica-lag-estimate' && report.mode === 'failover'
        ? `about ${seconds(rpo.seconds)} of writes lost, estimated from the replica lag at promotion`
        : `${rpo.writesLost ?? 'unknown'} writes lost (${seconds(rpo.seconds)}${rpo.seconds >= 60 ? ` (${formatDuration(rpo.seconds)})` : ''} of writes not on the replica)`;
  const diverged =
    rpo.writesDiverged === undefined || rpo.writesDiverged === null
      ? 'diverged writes not measured'
      : `${rpo.writesDiverged} diverged on the old primary`;
  return `${lost}, ${diverged}`;
}
