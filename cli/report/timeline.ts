import { formatDuration, formatOffset, plural } from './format.ts';
import type { ReportStep, RunReport } from './schema.ts';

/**
 * The Gantt view of a run, in seconds from the earliest known moment. Rows come in this order:
 * the outage, its detection, then every step by start time (ties and steps without a start
 * keep the report's order). Times that are not known stay null: the chart says "unknown".
 */
export type RowCategory = 'outage' | 'detection' | 'step';
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
  errorText?: string;
}

export interface TimelineMarker {
  kind: 'outage' | 'detected' | 'serving' | 'rto-objective';
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
    const status = OUTCOME_SYMBOL[step.outcome];
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
      ...(step.error === undefined ? {} : { errorText: `${step.error.name}: ${step.error.message}` }),
    });
  }
  const parallelGroups = assignParallelGroups(rows);

  const markers: TimelineMarker[] = [];
  const mark = (kind: TimelineMarker['kind'], ms: number | null, label: string) => {
    const at = offset(ms);
    if (at !== null) markers.push({ kind, at, label });
  };
  mark('outage', outageAt, 'outage');
  mark('detected', detectedAt, 'detected');
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
