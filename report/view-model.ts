import {
  confirmationView,
  type DependenciesView,
  decisionView,
  dependenciesView,
  detectionPathView,
  type FactLine,
  fencingView,
  trafficView,
  writesDivergedView,
} from './facts-view.ts';
import { formatDuration, formatSecondsFigure, formatTimestamp } from './format.ts';
import { safeHref } from './html-template.ts';
import { divergenceText } from './rpo.ts';
import type { RunReport } from './schema.ts';
import { buildTimeline, type Timeline } from './timeline.ts';

/**
 * Everything the HTML page shows, derived from a run report by pure functions: labels are
 * decided here (and unit-tested), the renderer only lays them out.
 */
export type Verdict = 'met' | 'missed' | 'unknown' | 'not-applicable';
export type Tone = 'good' | 'bad' | 'neutral';

export interface ObjectiveView {
  name: 'RTO' | 'RPO';
  title: string;
  seconds: number | null;
  /** "612 s", or "unknown": the figure the page prints. */
  figure: string;
  humanFigure: string | null;
  objectiveSeconds: number;
  objectiveFigure: string;
  verdict: Verdict;
  /** Words on the badge: PASS, FAIL, UNKNOWN, N/A. */
  badge: string;
  explanation: string;
}

export interface ReportView {
  title: string;
  planName: string;
  regions: { primary: string; dr: string };
  target: string;
  mode: string;
  /** dry run, failover or drill: the page's words for the run. */
  modeWord: string;
  isDryRun: boolean;
  trigger: { kind: string; requestedBy: string; reason: string; incidentId: string };
  outcome: { label: string; symbol: string; tone: Tone };
  generatedAt: string;
  rto: ObjectiveView;
  rpo: ObjectiveView;
  /** Run start to DR serving, shown when the outage start (and so the RTO) is unknown. */
  runToServing: string | null;
  detection: string;
  writesLost: string;
  replicaLag: { database: string; figure: string }[];
  timeline: Timeline;
  /** Which detection path fired, how traffic moved, why a run changed nothing. */
  detectionPath: string | null;
  traffic: string | null;
  noChangeDetail: string | null;
  /** What the detail answers: why the run changed nothing, or why a dry run's failover would wait. */
  noChangeTitle: string;
  writesDiverged: string;
  decision: FactLine[];
  confirmation: FactLine[];
  fencing: ReturnType<typeof fencingView>;
  dependencies: DependenciesView | null;
  changes: { resource: string; action: string; before: string; after: string }[];
  changesHeading: string;
  errors: { step: string | null; name: string; cause: string }[];
  /** A partial report: drctl was stopped before the run ended. */
  interrupted: { text: string } | null;
  execution: {
    arn: string;
    name: string;
    status: string;
    startedAt: string;
    stoppedAt: string | null;
    duration: string | null;
    consoleUrl: string | null;
  };
}

const TRIGGER_LABEL = { alarm: 'Alarm', schedule: 'Schedule', manual: 'By hand' } as const;

const OUTCOME: Record<RunReport['outcome'], ReportView['outcome']> = {
  'failed-over': { label: 'Failed over to the DR region', symbol: '✓', tone: 'good' },
  failed: { label: 'Failed', symbol: '✕', tone: 'bad' },
  'would-fail-over': { label: 'Dry run: a failover would proceed', symbol: '✓', tone: 'good' },
  'would-wait-for-decision': {
    label: "Dry run: a failover would stop for a person's decision before the point of no return",
    symbol: '–',
    tone: 'neutral',
  },
  drilled: {
    label: 'Drill succeeded: recovered on copies within the objectives, and cleaned up',
    symbol: '✓',
    tone: 'good',
  },
  running: { label: 'Still running', symbol: '…', tone: 'neutral' },
  'no-change': {
    label: 'No change: the run stopped before the point of no return',
    symbol: '–',
    tone: 'neutral',
  },
};

const NO_CHANGE_LABEL: Record<NonNullable<RunReport['noChangeReason']>, string> = {
  skipped: 'No change: skipped (another failover holds the lock)',
  'stood-down': 'No change: stood down (the primary answered again before the point of no return)',
  denied: 'No change: the failover was denied',
  'decision-timed-out': 'No change: nobody decided in time',
  refused: "No change: the drill's preflight refused it",
  'already-failed-over': 'No change: the plan is already failed over',
};

function outcomeView(report: RunReport): ReportView['outcome'] {
  if (report.outcome !== 'no-change' || !report.noChangeReason) return OUTCOME[report.outcome];
  return { ...OUTCOME['no-change'], label: NO_CHANGE_LABEL[report.noChangeReason] };
}

const BADGE: Record<Verdict, string> = {
  met: 'PASS',
  missed: 'FAIL',
  unknown: 'UNKNOWN',
  'not-applicable': 'N/A',
};

function seconds(value: number): string {
  return `${formatSecondsFigure(value)} s`;
}

function objectiveFigure(objectiveSeconds: number): string {
  return objectiveSeconds >= 60
    ? `${seconds(objectiveSeconds)} (${formatDuration(objectiveSeconds)})`
    : seconds(objectiveSeconds);
}

/**
 * Figures decide the verdict when known; otherwise the producer's judgement; otherwise unknown.
 * A run that changed nothing (a dry run, a run that stopped before the point of no return) has
 * nothing to measure.
 */
export function judge(
  actual: number | null,
  objective: number,
  met: boolean | null,
  notMeasured: boolean,
): Verdict {
  if (actual !== null) return actual <= objective ? 'met' : 'missed';
  if (met !== null) return met ? 'met' : 'missed';
  return notMeasured ? 'not-applicable' : 'unknown';
}

/** Nothing changed, so RTO and RPO have nothing to measure. */
export function changedNothing(report: Pick<RunReport, 'mode' | 'outcome'>): boolean {
  return report.mode === 'dry-run' || report.outcome === 'no-change';
}

/** The RPO's verdict: diverged writes miss it whatever the seconds say (report/rpo.ts). */
export function judgeRpo(report: RunReport): Verdict {
  if (divergenceText(report.rpo) !== null) return 'missed';
  return judge(report.rpo.seconds, report.rpo.objectiveSeconds, report.rpo.met, changedNothing(report));
}

function explain(
  name: 'RTO' | 'RPO',
  verdict: Verdict,
  actual: number | null,
  objective: number,
  whyUnknown: string,
  whyMissed: string | null,
  whyNotMeasured: string,
): string {
  if (verdict === 'missed' && whyMissed && actual !== null && actual <= objective)
    return `Missed: ${whyMissed}.`;
  if (actual !== null && verdict === 'met') {
    return `Met: ${seconds(actual)} is within the ${seconds(objective)} objective (${formatDuration(objective - actual)} to spare).`;
  }
  if (actual !== null && verdict === 'missed') {
    return `Missed: ${seconds(actual)} is over the ${seconds(objective)} objective by ${formatDuration(actual - objective)}.`;
  }
  if (verdict === 'met') return `Met according to the run; the ${name} figure itself was not recorded.`;
  if (verdict === 'missed' && whyMissed) return `Missed: ${whyMissed}`;
  if (verdict === 'missed') return `Missed according to the run; the ${name} figure itself was not recorded.`;
  if (verdict === 'not-applicable')
    return `Not measured: ${whyNotMeasured}, so there is no ${name} to measure.`;
  return `Unknown: ${whyUnknown}`;
}

function objectiveView(
  name: 'RTO' | 'RPO',
  title: string,
  actual: number | null,
  objective: number,
  verdict: Verdict,
  why: { unknown: string; missed?: string | null; notMeasured: string },
): ObjectiveView {
  return {
    name,
    title,
    seconds: actual,
    figure: actual !== null ? seconds(actual) : verdict === 'not-applicable' ? 'not measured' : 'unknown',
    humanFigure: actual !== null && actual >= 60 ? formatDuration(actual) : null,
    objectiveSeconds: objective,
    objectiveFigure: objectiveFigure(objective),
    verdict,
    badge: BADGE[verdict],
    explanation: explain(name, verdict, actual, objective, why.unknown, why.missed ?? null, why.notMeasured),
  };
}

function rtoUnknownReason(report: RunReport): string {
  if (report.outage.startedAt === null)
    return 'the moment the outage began was not recorded, so the RTO cannot be measured.';
  if (report.rto.servingAt === null) return 'the DR endpoint was not seen serving in this run.';
  return 'the run did not record it.';
}

function rpoUnknownReason(report: RunReport): string {
  return report.target === 'aws'
    ? 'writes lost cannot be read from the execution history; see the replica lag below.'
    : 'the run did not measure the writes that had not reached the replica.';
}

function elapsed(fromIso: string | null, toIso: string | null): number | null {
  if (fromIso === null || toIso === null) return null;
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  return Number.isNaN(ms) ? null : ms / 1000;
}

/** The console link the report carries, or one derived from the ARN for runs on AWS. */
export function consoleUrlFor(report: RunReport): string | null {
  if (report.target !== 'aws') return null;
  if (report.execution.consoleUrl) return safeHref(report.execution.consoleUrl) ?? null;
  const region = report.execution.arn.split(':')[3];
  if (!region || !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) return null;
  return executionConsoleUrl(region, report.execution.arn);
}

export function executionConsoleUrl(region: string, arn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${arn}`;
}

function mergeErrors(report: RunReport): ReportView['errors'] {
  const errors = report.errors.map((error) => ({
    step: error.step ?? null,
    name: error.name,
    cause: error.cause,
  }));
  for (const step of report.steps) {
    if (!step.error) continue;
    const listed = errors.some((error) => error.step === step.step && error.name === step.error?.name);
    if (!listed) errors.push({ step: step.step, name: step.error.name, cause: step.error.message });
  }
  return errors;
}

const MODE_WORD: Record<RunReport['mode'], string> = {
  'dry-run': 'dry run',
  failover: 'failover',
  drill: 'drill',
};
const MODE_LABEL: Record<RunReport['mode'], string> = {
  'dry-run': 'Dry run (read only)',
  failover: 'Failover',
  drill: 'Drill (on copies of the DR replicas; production untouched)',
};

export function buildReportView(report: RunReport): ReportView {
  const isDryRun = report.mode === 'dry-run';
  const notMeasured = isDryRun
    ? 'a dry run changes nothing'
    : `the run made no change (${report.noChangeReason?.replace(/-/g, ' ') ?? 'it stopped before the point of no return'})`;
  const rto = objectiveView(
    'RTO',
    'Recovery time (RTO)',
    report.rto.seconds,
    report.rto.objectiveSeconds,
    judge(report.rto.seconds, report.rto.objectiveSeconds, report.rto.met, changedNothing(report)),
    {
      unknown: rtoUnknownReason(report),
      missed:
        report.rto.servingAt === null && report.outcome === 'failed'
          ? 'the DR endpoint never served during this run.'
          : null,
      notMeasured,
    },
  );
  const rpo = objectiveView(
    'RPO',
    'Data loss window (RPO)',
    report.rpo.seconds,
    report.rpo.objectiveSeconds,
    judgeRpo(report),
    { unknown: rpoUnknownReason(report), missed: divergenceText(report.rpo), notMeasured },
  );
  // An AWS failover's figures have a basis the page must say: the RTO from detection, the RPO estimated.
  if (report.rto.from === 'detection' && report.rto.seconds !== null)
    rto.explanation += ` Measured from the detection (the alarm's change to ALARM at ${report.detection.detectedAt}): the outage began earlier, so the real RTO is longer.`;
  if (report.mode === 'failover' && report.rpo.basis === 'replica-lag-estimate')
    rpo.explanation += ' Estimated from the replica lag at promotion, not measured.';
  const toServing = elapsed(report.execution.startedAt, report.rto.servingAt);
  const duration = elapsed(report.execution.startedAt, report.execution.stoppedAt);
  const detectionSeconds =
    report.detection.seconds ?? elapsed(report.outage.startedAt, report.detection.detectedAt);
  return {
    title: `${report.plan.name}: ${MODE_WORD[report.mode]} ${report.execution.name}`,
    planName: report.plan.name,
    regions: report.plan.regions,
    target: report.target === 'local' ? 'Local world (simulated time)' : 'AWS',
    mode: MODE_LABEL[report.mode],
    modeWord: MODE_WORD[report.mode],
    isDryRun,
    trigger: {
      kind: TRIGGER_LABEL[report.trigger.kind],
      requestedBy: report.trigger.requestedBy,
      reason: report.trigger.reason,
      incidentId: report.trigger.incidentId,
    },
    outcome: outcomeView(report),
    generatedAt: formatTimestamp(report.generatedAt),
    rto,
    rpo,
    runToServing: report.rto.seconds === null && toServing !== null ? formatDuration(toServing) : null,
    detection:
      report.mode === 'drill'
        ? `none: a drill declares its outage${report.drill?.outageAt ? ` (at ${formatTimestamp(report.drill.outageAt)})` : ''} and its RTO runs from there`
        : detectionSeconds !== null
          ? `${formatDuration(detectionSeconds)} after the outage began`
          : report.detection.detectedAt !== null
            ? `at ${formatTimestamp(report.detection.detectedAt)}`
            : 'unknown',
    writesLost:
      report.rpo.writesLost === null
        ? 'unknown'
        : `${report.rpo.writesLost} ${report.rpo.writesLost === 1 ? 'write' : 'writes'}`,
    replicaLag: report.rpo.replicaLagAtPromotion.map((entry) => ({
      database: entry.database,
      figure: entry.seconds === null ? 'unknown (no active replication observed)' : seconds(entry.seconds),
    })),
    timeline: buildTimeline(report),
    detectionPath: detectionPathView(report),
    traffic: trafficView(report),
    noChangeDetail:
      report.outcome === 'no-change' || report.outcome === 'would-wait-for-decision'
        ? (report.noChangeDetail ?? null)
        : null,
    noChangeTitle: report.outcome === 'would-wait-for-decision' ? 'Why it would wait' : 'Why no change',
    writesDiverged: writesDivergedView(report),
    decision: decisionView(report),
    confirmation: confirmationView(report),
    fencing: fencingView(report),
    dependencies: dependenciesView(report),
    changes: report.changes.map((change) => ({ ...change })),
    changesHeading: isDryRun ? 'What a failover would change' : 'What changed',
    errors: mergeErrors(report),
    interrupted: report.interrupted
      ? {
          text: `drctl was stopped (${report.interrupted.signal}) while ${report.interrupted.during}; this report is partial. Changed so far: ${report.interrupted.changedSoFar.length > 0 ? report.interrupted.changedSoFar.join('; ') : 'nothing'}.`,
        }
      : null,
    execution: {
      arn: report.execution.arn,
      name: report.execution.name,
      status: report.execution.status,
      startedAt: formatTimestamp(report.execution.startedAt),
      stoppedAt: report.execution.stoppedAt === null ? null : formatTimestamp(report.execution.stoppedAt),
      duration: duration === null ? null : formatDuration(duration),
      consoleUrl: consoleUrlFor(report),
    },
  };
}
