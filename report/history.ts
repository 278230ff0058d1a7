import { formatDuration, formatSecondsFigure, formatTimestamp } from './format.ts';
import type { RunReport } from './schema.ts';
import { type Trend, trendOf } from './trend.ts';
import { changedNothing, judge, judgeRpo, type Verdict } from './view-model.ts';

/**
 * The trend over past runs: one row per report, oldest first, with RTO and RPO against the
 * objectives that applied to that run (plans change; each run is judged by its own).
 */
export interface HistoryPoint {
  /** Position of the run among all runs (oldest 0): the chart spaces runs evenly, in time order. */
  run: number;
  seconds: number;
  objectiveSeconds: number;
  verdict: Verdict;
  label: string;
}

export interface HistoryRow {
  file: string;
  htmlFile: string | null;
  startedAt: string;
  when: string;
  plan: string;
  mode: string;
  trigger: string;
  outcome: string;
  rto: { figure: string; objective: string; verdict: Verdict };
  rpo: { figure: string; objective: string; verdict: Verdict };
}

export interface HistorySeries {
  name: 'RTO' | 'RPO';
  points: HistoryPoint[];
  /** The objective that applied to each run, oldest first (the dashed line). */
  objectives: number[];
  /** Runs judged missed that have no figure: drawn as a failure at the top of the chart. */
  missedWithoutFigure: { run: number; label: string }[];
  /** Runs without a figure (dry runs, unknown): counted, never plotted as zero. */
  unplotted: number;
  maxSeconds: number;
  /** Whether the last runs approach the objective (report/trend.ts). */
  trend: Trend;
}

export interface HistoryView {
  plans: string[];
  rows: HistoryRow[];
  rto: HistorySeries;
  rpo: HistorySeries;
  spanSeconds: number;
  firstRun: string | null;
  lastRun: string | null;
  summary: { runs: number; rtoMet: number; rtoMissed: number; rpoMet: number; rpoMissed: number };
}

export interface HistoryInput {
  file: string;
  htmlFile?: string | null;
  report: RunReport;
}

const OUTCOME_LABEL: Record<RunReport['outcome'], string> = {
  'failed-over': '✓ failed over',
  failed: '✕ failed',
  'would-fail-over': '✓ dry run: would fail over',
  'would-wait-for-decision': '– dry run: would wait for a decision',
  drilled: '✓ drill: recovered on copies, cleaned up',
  running: '… running',
  'no-change': '– no change',
};

const MODE_LABEL: Record<RunReport['mode'], string> = {
  failover: 'failover',
  'dry-run': 'dry run',
  drill: 'drill (copies)',
};

const VERDICT_WORD: Record<Verdict, string> = {
  met: 'PASS',
  missed: 'FAIL',
  unknown: 'UNKNOWN',
  'not-applicable': 'N/A',
};

export function verdictWord(verdict: Verdict): string {
  return VERDICT_WORD[verdict];
}

function figure(seconds: number | null): string {
  return seconds === null ? '—' : `${formatSecondsFigure(seconds)} s`;
}

function withNote(text: string, note: string | null): string {
  return note ? `${text} (${note})` : text;
}

function series(
  name: 'RTO' | 'RPO',
  ordered: readonly HistoryInput[],
  pick: (report: RunReport) => {
    seconds: number | null;
    objective: number;
    met: boolean | null;
    /** How the figure was measured, when it is not the plain measurement. */
    note: string | null;
  },
): HistorySeries {
  const points: HistoryPoint[] = [];
  let unplotted = 0;
  const missedWithoutFigure: HistorySeries['missedWithoutFigure'] = [];
  const objectives: number[] = [];
  ordered.forEach(({ report }, run) => {
    const { seconds, objective, met, note } = pick(report);
    objectives.push(objective);
    if (seconds === null) {
      // A run judged missed without a figure (a failover that never served) still counts on the chart.
      if (judge(null, objective, met, changedNothing(report)) === 'missed') {
        missedWithoutFigure.push({
          run,
          label: `${formatTimestamp(report.execution.startedAt)}: ${name} missed, no figure (the DR region never served)`,
        });
      } else unplotted++;
      return;
    }
    points.push({
      run,
      seconds,
      objectiveSeconds: objective,
      verdict: name === 'RPO' ? judgeRpo(report) : judge(seconds, objective, met, changedNothing(report)),
      label: `${formatTimestamp(report.execution.startedAt)}: ${name} ${figure(seconds)}${note ? ` ${note}` : ''} (objective ${figure(objective)})`,
    });
  });
  const maxSeconds = Math.max(1, ...points.map((point) => point.seconds), ...objectives);
  return {
    name,
    points,
    missedWithoutFigure,
    objectives,
    unplotted,
    maxSeconds,
    trend: trendOf(name, points),
  };
}

/** An RTO measured from the detection (AWS failovers) is a lower bound: the outage began earlier. */
export function rtoNote(report: RunReport): string | null {
  if (report.rto.from === 'detection') return 'from detection';
  if (report.rto.from === 'declared-outage') return "from the drill's declared outage";
  return null;
}

export function rpoNote(report: RunReport): string | null {
  if (report.rpo.basis === 'replica-lag-estimate') return 'estimated from the replica lag';
  if (report.rpo.basis === 'canary') return 'measured by the write canary';
  return null;
}

export function buildHistoryView(inputs: readonly HistoryInput[]): HistoryView {
  const ordered = [...inputs].sort(
    (a, b) =>
      Date.parse(a.report.execution.startedAt) - Date.parse(b.report.execution.startedAt) ||
      a.file.localeCompare(b.file),
  );
  const first = ordered[0]?.report.execution.startedAt ?? null;
  const last = ordered.at(-1)?.report.execution.startedAt ?? null;
  const rto = series('RTO', ordered, (report) => ({
    seconds: report.rto.seconds,
    objective: report.rto.objectiveSeconds,
    met: report.rto.met,
    note: rtoNote(report),
  }));
  const rpo = series('RPO', ordered, (report) => ({
    seconds: report.rpo.seconds,
    objective: report.rpo.objectiveSeconds,
    met: report.rpo.met,
    note: rpoNote(report),
  }));
  const rows = ordered.map(({ file, htmlFile, report }): HistoryRow => {
    return {
      file,
      htmlFile: htmlFile ?? null,
      startedAt: report.execution.startedAt,
      when: formatTimestamp(report.execution.startedAt),
      plan: report.plan.name,
      mode: MODE_LABEL[report.mode],
      trigger: `${report.trigger.kind === 'manual' ? 'by hand' : report.trigger.kind} (${report.trigger.requestedBy})`,
      outcome:
        report.outcome === 'no-change' && report.noChangeReason
          ? `${OUTCOME_LABEL['no-change']} (${report.noChangeReason.replace(/-/g, ' ')})`
          : OUTCOME_LABEL[report.outcome],
      rto: {
        figure: withNote(figure(report.rto.seconds), report.rto.seconds === null ? null : rtoNote(report)),
        objective: figure(report.rto.objectiveSeconds),
        verdict: judge(
          report.rto.seconds,
          report.rto.objectiveSeconds,
          report.rto.met,
          changedNothing(report),
        ),
      },
      rpo: {
        figure: withNote(figure(report.rpo.seconds), report.rpo.seconds === null ? null : rpoNote(report)),
        objective: figure(report.rpo.objectiveSeconds),
        verdict: judgeRpo(report),
      },
    };
  });
  const count = (verdicts: Verdict[], wanted: Verdict) =>
    verdicts.filter((verdict) => verdict === wanted).length;
  return {
    plans: [...new Set(ordered.map(({ report }) => report.plan.name))],
    rows,
    rto,
    rpo,
    spanSeconds: first !== null && last !== null ? (Date.parse(last) - Date.parse(first)) / 1000 : 0,
    firstRun: first === null ? null : formatTimestamp(first),
    lastRun: last === null ? null : formatTimestamp(last),
    summary: {
      runs: rows.length,
      rtoMet: count(
        rows.map((row) => row.rto.verdict),
        'met',
      ),
      rtoMissed: count(
        rows.map((row) => row.rto.verdict),
        'missed',
      ),
      rpoMet: count(
        rows.map((row) => row.rpo.verdict),
        'met',
      ),
      rpoMissed: count(
        rows.map((row) => row.rpo.verdict),
        'missed',
      ),
    },
  };
}

export function describeSpan(seconds: number): string {
  return seconds < 86_400 ? formatDuration(seconds) : `${Math.round(seconds / 86_400)} days`;
}
