import { dependencyName, requiredCallsIntoFailure } from './dependencies.ts';
import { formatSecondsFigure, formatTimestamp, plural } from './format.ts';
import { divergenceText } from './rpo.ts';
import type { RunReport } from './schema.ts';
import { decider } from './step-results.ts';

/**
 * What the evidence page says about the point of no return (decision, confirmation, fencing),
 * how traffic moved, how the outage was detected and what the recovery depended on. Pure
 * functions of the report; unknown reads "unknown" or "not recorded", never zero.
 */
export interface FactLine {
  term: string;
  text: string;
}

export interface FencingRowView {
  resource: string;
  kind: string;
  outcome: 'fenced' | 'pending' | 'failed';
  symbol: string;
  action: string;
  detail: string;
}

export interface DependencyRowView {
  service: string;
  region: string;
  operation: string;
  calls: string;
  failed: string;
  required: boolean;
  requiredText: string;
  /** The call went to what a primary-region outage takes down: the failed region or the Route 53 API. */
  intoFailure: boolean;
  whereText: string;
  step: string;
}

export interface DependenciesView {
  source: string;
  verdict: string;
  verdictTone: 'good' | 'bad' | 'neutral';
  rows: DependencyRowView[];
}

const seconds = (value: number) => `${formatSecondsFigure(value)} s`;

const PATH_WORDS = {
  'route53-health-check': 'fast path (Route 53 health check of the primary, alarm in us-east-1)',
  'dr-probe': 'DR-side probe (probes of the primary from the DR region, alarm in the DR region)',
} as const;

export function detectionPathView(report: RunReport): string | null {
  const { path, alarm } = report.detection;
  if (!path && !alarm) return null;
  return `${path ? PATH_WORDS[path] : 'an alarm'}${alarm ? `: ${alarm}` : ''}`;
}

export function trafficView(report: RunReport): string | null {
  const traffic = report.traffic;
  if (!traffic) return null;
  const via =
    traffic.via === 'data-plane'
      ? 'through the data plane (the traffic gate, a CloudWatch metric in the DR region; no Route 53 API call)'
      : traffic.via === 'route53-api'
        ? 'through the Route 53 API (control plane in us-east-1)'
        : 'by an unknown way';
  const answer = traffic.answer
    ? `DNS answered ${traffic.answer}${traffic.trafficTo ? ` (${traffic.trafficTo} region)` : ''}`
    : 'the DNS answer is unknown';
  return `Moved ${via}; ${answer}.`;
}

export function decisionView(report: RunReport): FactLine[] {
  const decision = report.decision;
  if (!decision) return [];
  if (decision.status === 'not-required')
    return [{ term: 'Outcome', text: 'Not needed: automatic trigger and the RPO guard accepted the lag.' }];
  const lines: FactLine[] = [];
  const status = {
    approved: 'Approved',
    denied: 'Denied',
    'timed-out': 'Nobody decided: the run timed out and changed nothing',
    pending: 'Waiting for a decision',
    'not-required': '',
  }[decision.status];
  lines.push({ term: 'Outcome', text: status });
  if (decision.reasons.length > 0) lines.push({ term: 'Asked because', text: decision.reasons.join('; ') });
  if (decision.requestedAt) lines.push({ term: 'Asked at', text: formatTimestamp(decision.requestedAt) });
  if (decision.status === 'approved' || decision.status === 'denied') {
    lines.push({ term: 'Decided by', text: decider(decision) });
    lines.push({
      term: 'Decided at',
      text: decision.decidedAt ? formatTimestamp(decision.decidedAt) : 'unknown',
    });
    lines.push({ term: 'Why', text: decision.reason ?? 'no reason given' });
  }
  if (decision.status === 'approved')
    lines.push({
      term: 'Accepted loss',
      text: decision.acceptedUnknownLoss
        ? 'unknown accepted ("accept unknown data loss")'
        : decision.acceptedLossSeconds !== null
          ? `up to ${seconds(decision.acceptedLossSeconds)} of data loss, for this run only`
          : "none beyond the plan's RPO",
    });
  if (decision.checks !== null) lines.push({ term: 'Looked', text: plural(decision.checks, 'time') });
  return lines;
}

export function confirmationView(report: RunReport): FactLine[] {
  const confirmation = report.confirmation;
  if (!confirmation) return [];
  const primary =
    confirmation.primary === 'answered'
      ? `The primary answered again: the run stood down. ${confirmation.detail}`
      : confirmation.primaryChecked
        ? `Re-checked from the DR region: ${confirmation.primary === 'down' ? 'still down' : 'unknown (the probe could not be made)'} (${confirmation.detail})`
        : `Not re-checked: ${confirmation.detail}`;
  const lines: FactLine[] = [{ term: 'Primary', text: primary }];
  if (confirmation.rpoVerdict)
    lines.push({
      term: 'RPO guard',
      text: `${confirmation.rpoVerdict === 'within' ? 'within budget' : confirmation.rpoVerdict}${confirmation.acceptedBy ? `, accepted by ${confirmation.acceptedBy}` : ''}`,
    });
  if (confirmation.at) lines.push({ term: 'Confirmed at', text: formatTimestamp(confirmation.at) });
  return lines;
}

const FENCE_SYMBOL = { fenced: '✓', pending: '…', failed: '✕' } as const;

export function fencingView(report: RunReport): { summary: string; rows: FencingRowView[] } | null {
  const fencing = report.fencing;
  if (!fencing) return null;
  const rows = fencing.resources.map((resource) => ({
    resource: resource.resource,
    kind: resource.kind,
    outcome: resource.outcome,
    symbol: FENCE_SYMBOL[resource.outcome],
    action: resource.action,
    detail: resource.detail,
  }));
  const count = (outcome: string) => rows.filter((row) => row.outcome === outcome).length;
  const passes = fencing.attempts === null ? '' : ` after ${plural(fencing.attempts, 'pass', 'passes')}`;
  const summary = fencing.gaveUp
    ? 'The fencing loop gave up; the fence schedule fences the old primary once its region answers.'
    : `${count('fenced')} fenced, ${count('pending')} pending, ${count('failed')} failed${passes}${count('pending') > 0 ? '; pending resources are fenced by the fence schedule once their region answers' : ''}.`;
  return { summary, rows };
}

export function writesDivergedView(report: RunReport): string {
  const diverged = report.rpo.writesDiverged;
  if (diverged === undefined || diverged === null) return 'not measured';
  return divergenceText(report.rpo) ?? '0 (no write reached an old primary after its replica stopped)';
}

export function dependenciesView(report: RunReport): DependenciesView | null {
  const rows = report.dependencies;
  const source = report.dependencySource;
  const reach = requiredCallsIntoFailure(report);
  if (!rows || !source || !reach) return null;
  const failedRegion = reach.failedRegion;
  const counted = source.kind === 'measured';
  return {
    source: `${counted ? 'Measured' : 'Declared'}: ${source.description}${
      source.from && source.to ? ` (${formatTimestamp(source.from)} to ${formatTimestamp(source.to)})` : ''
    }.`,
    verdict:
      reach.rows.length === 0
        ? `No required call reached ${failedRegion} (the failed region) or the Route 53 API (control plane).`
        : `Required calls reached what the outage takes down: ${reach.rows.map(dependencyName).join(', ')}.`,
    verdictTone: reach.rows.length === 0 ? 'good' : 'bad',
    rows: rows.map((row) => {
      const controlPlane = row.service === 'route53';
      const inFailedRegion = row.region === failedRegion;
      return {
        service: row.service,
        region: row.region,
        operation: row.operation,
        calls: row.calls === null ? 'not counted' : String(row.calls),
        failed: row.failed === null ? '—' : String(row.failed),
        required: row.required,
        requiredText: row.required ? 'required' : 'best effort',
        intoFailure: controlPlane || inFailedRegion,
        whereText: controlPlane
          ? '⚠ Route 53 API (control plane)'
          : inFailedRegion
            ? '⚠ failed region'
            : row.region === 'global'
              ? 'data plane'
              : '',
        step: [row.step, row.what].filter(Boolean).join(': '),
      };
    }),
  };
}
