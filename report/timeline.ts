import { formatDuration, formatOffset, plural } from './format.ts';
import type { ReportStep, RunReport } from './schema.ts';

/**
 * The Gantt view of a run, in seconds from the earliest known moment. Rows come in this order:
 * the outage, its detection, then every step by start time (ties and steps without a start
 * keep the report's order). Times that are not known stay null: the chart says "unknown".
 */
export type RowCategory = 'outage' | 'detection' | 'step' | 'fencing';
export type RowOutcome = ReportStep['outcome'];

export interface TimelineRow {
  index: number;
  category: RowCategory;
  label: string;
  kind: string;
  resource?: string;
  start: number | null;
  end: number | null;
  /** The bar runs to the edge of the chart because the step has not ended (or its end is unknown). */
  open: boolean;
  outcome: RowOutcome;
  /** A symbol and words, so the state reads without colour. */
  symbol: string;
  statusText: string;
  retries: number;
  retryText?: string;
  durationText: string;
  startedAt: string | null;
  endedAt: string | null;
  /** Rows that overlap in time share a group: they ran side by side. */
  parallelGroup: number | null;
  detail?: string;
  /** What the step found or decided (the decision and who made it, the confirmation, fencing, traffic). */
  result?: string;
  errorText?: string;
  /** Fencing rows (one per resource of the old primary, after the fencing step): fenced, pending, failed. */
  fenceOutcome?: 'fenced' | 'pending' | 'failed';
}

export interface TimelineMarker {
  kind: 'outage' | 'detected' | 'decided' | 'point-of-no-return' | 'serving' | 'rto-objective';
  at: number;
  label: string;
}

export interface ParallelGroup {
  id: number;
  firstRow: number;
  lastRow: number;
}

export interface Tick {
  at: number;
  label: string;
}

export interface Timeline {
  originIso: string | null;
  spanSeconds: number;
  /** The last moment the report knows about: bars of steps that had not ended stop here. */
  observedUntil: number;
  ticks: Tick[];
  rows: TimelineRow[];
  markers: TimelineMarker[];
  parallelGroups: ParallelGroup[];
}

const OUTCOME_SYMBOL: Record<RowOutcome, { symbol: string; text: string }> = {
  succeeded: { symbol: '✓', text: 'succeeded' },
  failed: { symbol: '✕', text: 'failed' },
  skipped: { symbol: '–', text: 'skipped' },
  running: { symbol: '…', text: 'running' },
  unknown: { symbol: '?', text: 'outcome unknown' },
};

const NICE_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200, 86_400,
];

function epoch(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

export function chooseTicks(spanSeconds: number, maxTicks = 8): Tick[] {
  const step =
    NICE_STEPS.find((candidate) => spanSeconds / candidate <= maxTicks) ?? Math.ceil(spanSeconds / maxTicks);
  const ticks: Tick[] = [];
  for (let at = 0; at <= spanSeconds + 1e-9; at += step) ticks.push({ at, label: formatOffset(at) });
  return ticks;
}

/**
 * Timed steps by start (ties keep report order). A step without a start (skipped, never reached)
 * stays right after the step it follows in the report, so "not reached" shows where it belongs.
 */
export function orderSteps(steps: readonly ReportStep[]): ReportStep[] {
  const leading: ReportStep[] = [];
  const timed: { step: ReportStep; start: number; position: number; followers: ReportStep[] }[] = [];
  steps.forEach((step, position) => {
    const start = epoch(step.startedAt);
    if (start !== null) timed.push({ step, start, position, followers: [] });
    else if (timed.length > 0) timed[timed.length - 1]?.followers.push(step);
    else leading.push(step);
  });
  timed.sort((a, b) => a.start - b.start || a.position - b.position);
  return [...leading, ...timed.flatMap(({ step, followers }) => [step, ...followers])];
}

function assignParallelGroups(rows: TimelineRow[]): ParallelGroup[] {
  const groups: ParallelGroup[] = [];
  let current: { first: number; last: number; end: number } | null = null;
  const close = () => {
    if (current && current.last > current.first)
      groups.push({ id: groups.length + 1, firstRow: current.first, lastRow: current.last });
  };
  for (const row of rows) {
    // A fencing row belongs to the fencing step above it: it neither opens nor closes a group.
    if (row.category === 'fencing') continue;
    if (row.category !== 'step' || row.start === null) {
      close();
      current = null;
      continue;
    }
    const end = row.end ?? row.start;
    if (current && row.start < current.end) {
      current.last = row.index;
      current.end = Math.max(current.end, end);
    } else {
      close();
      current = { first: row.index, last: row.index, end };
    }
  }
  close();
  for (const group of groups) {
    for (let index = group.firstRow; index <= group.lastRow; index++) {
      const row = rows[index];
      if (row) row.parallelGroup = group.id;
    }
  }
  return groups;
}

/**
 * What a decision, confirmation or fencing step answered, in a few words (and its own symbol) for
 * the chart's result column: a decision nobody made did not "succeed", and "0 of 5 fenced" is
 * pending, not done.
 */
function answerWords(step: ReportStep, report: RunReport): { text: string; symbol?: string } | null {
  if (step.kind === 'decision' && report.decision) {
    const who = report.decision.decidedBy ?? report.decision.author ?? 'someone unknown';
    if (report.decision.status === 'approved') return { text: `approved by ${who}` };
    if (report.decision.status === 'denied') return { text: `denied by ${who}`, symbol: '–' };
    if (report.decision.status === 'timed-out') return { text: 'nobody decided: timed out', symbol: '–' };
  }
  if (step.kind === 'confirm' && report.confirmation) {
    if (report.confirmation.primary === 'answered')
      return { text: 'primary answered: stood down', symbol: '–' };
    if (report.confirmation.primary === 'down') return { text: 'primary still down' };
    if (!report.confirmation.primaryChecked) return { text: 'primary not re-checked' };
  }
  if (step.kind === 'fence' && report.fencing) {
    const primary = report.fencing.resources.filter((resource) => resource.kind !== 'traffic');
    const count = (outcome: string) => primary.filter((resource) => resource.outcome === outcome).length;
    const symbol = count('failed') > 0 ? '✕' : count('pending') > 0 ? '…' : '✓';
    return { text: `${count('fenced')} of ${primary.length} fenced`, symbol };
  }
  if (step.kind === 'preflight' && report.noChangeReason === 'skipped')
    return { text: 'refused: skipped', symbol: '–' };
  return null;
}

const FENCE_STATUS = {
  fenced: { outcome: 'succeeded', symbol: '✓', text: 'fenced' },
  pending: { outcome: 'unknown', symbol: '…', text: 'pending: its region does not answer yet' },
  failed: { outcome: 'failed', symbol: '✕', text: 'failed: cannot be fenced as is' },
} as const;

/** One row per resource of the old primary, as the run last saw it, at the moment it looked. */
function fencingRows(
  report: RunReport,
  offset: (ms: number | null) => number | null,
): Omit<TimelineRow, 'index' | 'parallelGroup'>[] {
  const fencing = report.fencing;
  if (!fencing) return [];
  const at = offset(epoch(fencing.checkedAt));
  return fencing.resources.map((resource) => {
    const status = FENCE_STATUS[resource.outcome];
    return {
      category: 'fencing',
      label: `↳ ${resource.resource}`,
      kind: resource.kind,
      start: at,
      end: at,
      open: false,
      outcome: status.outcome,
      symbol: status.symbol,
      statusText: status.text,
      retries: 0,
      durationText: resource.action,
      startedAt: fencing.checkedAt,
      endedAt: fencing.checkedAt,
      detail: `${resource.action}: ${resource.detail}`,
      fenceOutcome: resource.outcome,
    };
  });
}

export function buildTimeline(report: RunReport): Timeline {
  const outageAt = epoch(report.outage.startedAt);
  const detectedAt = epoch(report.detection.detectedAt);
  const servingAt = epoch(report.rto.servingAt);
  const executionStart = epoch(report.execution.startedAt);
  const executionStop = epoch(report.execution.stoppedAt);
  const steps = orderSteps(report.steps);
  const stillRunning = report.execution.status === 'RUNNING' || report.outcome === 'running';
  const rtoDeadline = outageAt === null ? null : outageAt + report.rto.objectiveSeconds * 1000;

  const observed = [
    outageAt,
    detectedAt,
    servingAt,
    executionStart,
    executionStop,
    stillRunning ? epoch(report.generatedAt) : null,
    ...steps.flatMap((step) => [epoch(step.startedAt), epoch(step.endedAt)]),
  ].filter((value): value is number => value !== null);
  const known = rtoDeadline === null ? observed : [...observed, rtoDeadline];
  const origin = known.length > 0 ? Math.min(...known) : null;
  const last = known.length > 0 ? Math.max(...known) : null;
  const spanSeconds = origin !== null && last !== null ? Math.max((last - origin) / 1000, 1) : 1;
  const offset = (ms: number | null) => (ms === null || origin === null ? null : (ms - origin) / 1000);

  const rows: TimelineRow[] = [];
  const push = (row: Omit<TimelineRow, 'index' | 'parallelGroup'>) =>
    rows.push({ ...row, index: rows.length, parallelGroup: null });

  if (outageAt !== null) {
    const recovered = servingAt !== null;
    push({
      category: 'outage',
      label: 'Outage (primary region lost)',
      kind: 'outage',
      start: offset(outageAt),
      end: recovered ? offset(servingAt) : null,
      open: !recovered,
      outcome: recovered ? 'succeeded' : 'unknown',
      symbol: '⚠',
      statusText: recovered
        ? `down ${formatDuration((servingAt - outageAt) / 1000)} until the DR region served`
        : 'the DR region never served in this run',
      retries: 0,
      durationText: recovered ? formatDuration((servingAt - outageAt) / 1000) : 'not recovered',
      startedAt: report.outage.startedAt,
      endedAt: report.rto.servingAt,
    });
  }
  const reportHasDetectionStep = steps.some((step) => step.kind === 'detection');
  if (!reportHasDetectionStep && (outageAt !== null || detectedAt !== null)) {
    const seconds =
      report.detection.seconds ??
      (outageAt !== null && detectedAt !== null ? (detectedAt - outageAt) / 1000 : null);
    push({
      category: 'detection',
      label: 'Detection',
      kind: 'detection',
      start: offset(outageAt ?? detectedAt),
      end: offset(detectedAt),
      open: detectedAt === null,
      outcome: detectedAt === null ? 'unknown' : 'succeeded',
      symbol: detectedAt === null ? '?' : '◆',
      statusText: seconds === null ? 'detection time unknown' : `detected after ${formatDuration(seconds)}`,
      retries: 0,
      durationText: seconds === null ? 'unknown' : formatDuration(seconds),
      startedAt: report.outage.startedAt,
      endedAt: report.detection.detectedAt,
    });
  }
  for (const step of steps) {
    const start = epoch(step.startedAt);
    const end = epoch(step.endedAt);
    const status = { ...OUTCOME_SYMBOL[step.outcome] };
    const said = step.outcome === 'succeeded' ? answerWords(step, report) : null;
    if (said) {
      status.text = said.text;
      if (said.symbol) status.symbol = said.symbol;
    }
    const durationSeconds = start !== null && end !== null ? (end - start) / 1000 : null;
    push({
      category: 'step',
      label: step.step,
      kind: step.kind,
      ...(step.resource === undefined ? {} : { resource: step.resource }),
      start: offset(start),
      end: offset(end),
      open: start !== null && end === null,
      outcome: step.outcome,
      symbol: status.symbol,
      statusText: status.text,
      retries: step.retries,
      ...(step.retries > 0 ? { retryText: `↻ ${plural(step.retries, 'retry', 'retries')}` } : {}),
      durationText:
        durationSeconds !== null
          ? formatDuration(durationSeconds)
          : start === null
            ? 'time unknown'
            : 'not ended',
      startedAt: step.startedAt,
      endedAt: step.endedAt,
      ...(step.detail === undefined ? {} : { detail: step.detail }),
      ...(step.result === undefined ? {} : { result: step.result }),
      ...(step.error === undefined ? {} : { errorText: `${step.error.name}: ${step.error.message}` }),
    });
    if (step.kind === 'fence') for (const row of fencingRows(report, offset)) push(row);
  }
  const parallelGroups = assignParallelGroups(rows);

  const markers: TimelineMarker[] = [];
  const mark = (kind: TimelineMarker['kind'], ms: number | null, label: string) => {
    const at = offset(ms);
    if (at !== null) markers.push({ kind, at, label });
  };
  mark('outage', outageAt, 'outage');
  mark('detected', detectedAt, 'detected');
  const decided = report.decision?.decidedAt ?? null;
  if (report.decision?.status === 'approved' || report.decision?.status === 'denied')
    mark(
      'decided',
      epoch(decided),
      `${report.decision.status} by ${report.decision.decidedBy ?? report.decision.author ?? '?'}`,
    );
  const firstPromotion = steps.find((step) => step.kind === 'promote')?.startedAt ?? null;
  mark('point-of-no-return', epoch(firstPromotion), 'point of no return');
  mark('serving', servingAt, 'DR serving');
  mark('rto-objective', rtoDeadline, `RTO objective ${formatDuration(report.rto.objectiveSeconds)}`);

  return {
    originIso: origin === null ? null : new Date(origin).toISOString(),
    spanSeconds,
    observedUntil:
      origin === null || observed.length === 0 ? spanSeconds : (Math.max(...observed) - origin) / 1000,
    ticks: chooseTicks(spanSeconds),
    rows,
    markers,
    parallelGroups,
  };
}
