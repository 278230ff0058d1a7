import type { DescribeExecutionOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import * as z from '../functions/shared/validator.ts';
import type { Plan } from '../plan/schema.ts';
import { withChildHistories } from './child-histories.ts';
import { declaredDependencies } from './dependencies.ts';
import { type DrillRun, drillFactsOf } from './drill-facts.ts';
import { parseJson, readableCause, stepsFromHistory } from './execution-steps.ts';
import {
  confirmationOf,
  decisionOf,
  detectionOf,
  fencingOf,
  noChangeOf,
  type RunSources,
  trafficOf,
  wouldWaitOf,
} from './run-facts.ts';
import { type RunReport, runReportSchema } from './schema.ts';
import { executionConsoleUrl } from './view-model.ts';

/**
 * Builds the run report of an execution on AWS from DescribeExecution and its full history.
 * What the history cannot know stays null: the outage start, detection and data loss are
 * unknown unless the execution output carries them (unknown is never reported as zero). With the
 * whole plan, the dependencies are the recovery path's declared ones (calls not counted).
 */
export type ReportPlan = Pick<Plan, 'name' | 'regions' | 'objectives'> | Plan;

function isWholePlan(plan: ReportPlan): plan is Plan {
  return 'dns' in plan && 'application' in plan && 'databases' in plan && 'services' in plan;
}

export interface ExecutionRecord {
  execution: DescribeExecutionOutput;
  events: HistoryEvent[];
  /** The child executions its startExecution.sync Tasks started (report/fetch-execution.ts). */
  children?: ExecutionRecord[];
}

const changeSchema = z.object({
  resource: z.string(),
  action: z.string(),
  before: z.string(),
  after: z.string(),
});
const changesSchema = z.array(changeSchema);
const isoTime = z.iso.datetime({ offset: true });

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value : fallback;
}

function time(value: unknown): string | null {
  return isoTime.safeParse(value).success ? (value as string) : null;
}

function nonNegative(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/** PENDING_REDRIVE is a failed execution that may be redriven: for the evidence it failed. */
function reportStatus(status: string | undefined): RunReport['execution']['status'] {
  const known = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
  return known.find((candidate) => candidate === status) ?? (status === undefined ? 'RUNNING' : 'FAILED');
}

export function triggerKind(requestedBy: string): RunReport['trigger']['kind'] {
  if (requestedBy.startsWith('alarm:')) return 'alarm';
  if (requestedBy.startsWith('schedule:')) return 'schedule';
  return 'manual';
}

function regionOfArn(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

function elapsedSeconds(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** Changes the run made or would make: the output's list, else what the assess step found. */
function changesOf(
  output: Record<string, unknown>,
  taskOutputs: Map<string, unknown[]>,
): RunReport['changes'] {
  for (const candidate of [output.changes, output.wouldChange, record(output.assessment).changes]) {
    const parsed = changesSchema.safeParse(candidate);
    if (parsed.success) return parsed.data;
  }
  // The task's result, or the state's output that carries it under its ResultPath ($.assessment).
  const assessed = record(taskOutputs.get('AssessChanges')?.at(-1));
  const parsed = changesSchema.safeParse(assessed.changes ?? record(assessed.assessment).changes);
  return parsed.success ? parsed.data : [];
}

function replicaLag(taskOutputs: Map<string, unknown[]>): RunReport['rpo']['replicaLagAtPromotion'] {
  // The task's result, or the state's output, where the ResultSelector puts it under `preflight`.
  const raw = record(taskOutputs.get('Preflight')?.at(-1));
  const preflight = Array.isArray(raw.databases) ? raw : record(raw.preflight);
  const databases = Array.isArray(preflight.databases) ? preflight.databases : [];
  return databases.map((database) => {
    const fields = record(database);
    return { database: text(fields.id, 'database'), seconds: nonNegative(fields.lastActiveLagSeconds) };
  });
}

/** A drill that declared its outage and failed never served: it missed its RTO, whatever the clock says. */
function rtoMet(
  seconds: number | null,
  objective: number,
  drill: DrillRun | null,
  outcome: RunReport['outcome'],
): boolean | null {
  if (seconds !== null) return seconds <= objective;
  return drill !== null && outcome === 'failed' && drill.facts.outageAt !== null ? false : null;
}

/**
 * When a failover's preflight found the outage detected (its `trigger`: the detection alarm's
 * change to ALARM, functions/health-monitor/read-trigger.ts). On AWS the outage start is unknown:
 * this is the earliest known instant, and the RTO runs from it, labelled "from detection".
 */
function preflightTrigger(taskOutputs: Map<string, unknown[]>) {
  const raw = record(taskOutputs.get('Preflight')?.at(-1));
  const trigger = record((raw.trigger === undefined ? record(raw.preflight) : raw).trigger);
  const path =
    (['route53-health-check', 'dr-probe'] as const).find((known) => known === trigger.path) ?? null;
  const alarm = typeof trigger.alarm === 'string' ? trigger.alarm : null;
  return { changedAt: time(trigger.changedAt), alarm, path };
}

/**
 * Without a measured loss, a failover that promoted reads the worst lag at promotion as an
 * estimate; unknown when any database's lag is (the worst of them is then unknown too).
 */
function lagEstimate(lags: RunReport['rpo']['replicaLagAtPromotion'], promoted: boolean): number | null {
  if (!promoted || lags.length === 0 || lags.some((lag) => lag.seconds === null)) return null;
  return Math.max(...lags.map((lag) => lag.seconds ?? 0));
}

/** Each copy's ReplicaLag read right before its promotion: a drill's lag at promotion. */
function copyLag(drill: DrillRun): RunReport['rpo']['replicaLagAtPromotion'] {
  return drill.facts.copies.map((copy) => ({
    database: copy.databaseId,
    seconds: copy.lagAtPromotionSeconds,
  }));
}

function rpoBasis(drill: DrillRun): 'canary' | 'replica-lag-estimate' | null {
  return drill.rpo.basis === 'canary' || drill.rpo.basis === 'replica-lag-estimate' ? drill.rpo.basis : null;
}

/** The drill's preflight refused (a failover runs, the plan is failed over, another drill runs): nothing changed. */
function drillRefusal(events: readonly HistoryEvent[]): { reason: 'refused'; detail: string } | null {
  for (const event of events) {
    const failed = event.lambdaFunctionFailedEventDetails ?? event.taskFailedEventDetails;
    if (failed?.error === 'DrillRefusedError')
      return { reason: 'refused', detail: readableCause(failed.cause) };
  }
  return null;
}

export function reportFromExecution(
  { execution, events, children = [] }: ExecutionRecord,
  plan: ReportPlan,
  options: { generatedAt?: Date; region?: string } = {},
): RunReport {
  const arn = execution.executionArn ?? '';
  const status = reportStatus(execution.status);
  const startEvent = events.find((event) => event.type === 'ExecutionStarted');
  const input = record(parseJson(execution.input ?? startEvent?.executionStartedEventDetails?.input));
  const output = record(parseJson(execution.output));
  const mode: RunReport['mode'] =
    input.mode === 'drill' || output.mode === 'drill'
      ? 'drill'
      : input.mode === 'dry-run' || output.mode === 'dry-run'
        ? 'dry-run'
        : 'failover';
  const requestedBy = text(input.requestedBy, 'unknown');
  const running = status === 'RUNNING';
  // A child's polls (one database's promotion, one service's scaling) are the run's own steps.
  const history = withChildHistories(
    events,
    children.map((child) => ({ executionArn: child.execution.executionArn ?? '', events: child.events })),
  );
  const { steps, errors, taskOutputs, taskResults } = stepsFromHistory(history, running);
  const sources: RunSources = { output, results: taskResults, steps, running, readableCause };
  const drill = mode === 'drill' ? drillFactsOf(taskResults, running) : null;
  const refusal = mode === 'drill' ? drillRefusal(events) : null;
  const noChange = refusal ?? (status === 'SUCCEEDED' && mode !== 'drill' ? noChangeOf(sources) : null);
  const wouldWait = status === 'SUCCEEDED' && mode === 'dry-run' ? wouldWaitOf(sources) : null;

  const endEvent = events.find((event) =>
    ['ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted'].includes(event.type ?? ''),
  );
  const endDetails =
    endEvent?.executionFailedEventDetails ??
    endEvent?.executionTimedOutEventDetails ??
    endEvent?.executionAbortedEventDetails;
  const executionError = execution.error ?? endDetails?.error;
  if (refusal) {
    // A refused drill ends FAILED by design (DrillEndedBeforeAnyChange): its answer, not an error.
  } else if (status !== 'SUCCEEDED' && status !== 'RUNNING' && executionError !== undefined) {
    if (!errors.some((error) => error.name === executionError)) {
      errors.push({ name: executionError, cause: readableCause(execution.cause ?? endDetails?.cause) });
    }
  } else if ((status === 'TIMED_OUT' || status === 'ABORTED') && errors.length === 0) {
    errors.push({
      name: `Execution${status === 'TIMED_OUT' ? 'TimedOut' : 'Aborted'}`,
      cause: `the execution ended ${status}`,
    });
  }

  let outcome: RunReport['outcome'];
  if (status === 'RUNNING') outcome = 'running';
  else if (refusal) outcome = 'no-change';
  else if (mode === 'drill') outcome = status === 'SUCCEEDED' ? 'drilled' : 'failed';
  else if (status !== 'SUCCEEDED') outcome = 'failed';
  else if (noChange) outcome = 'no-change';
  else if (wouldWait) outcome = 'would-wait-for-decision';
  else outcome = mode === 'dry-run' ? 'would-fail-over' : 'failed-over';

  const outageAt = drill ? drill.facts.outageAt : time(record(output.outage).startedAt);
  const trigger = preflightTrigger(taskOutputs);
  const detectedAt = drill ? null : (time(record(output.detection).detectedAt) ?? trigger.changedAt);
  const servingAt = drill
    ? drill.facts.servedAt
    : outcome === 'failed-over'
      ? time(record(output.verification).verifiedAt)
      : null;
  const rtoSeconds = drill ? drill.rto.seconds : elapsedSeconds(outageAt ?? detectedAt, servingAt);
  const rtoFrom = outageAt !== null ? 'outage' : detectedAt !== null ? 'detection' : null;
  const rpo = record(output.rpo);
  const lags = drill ? copyLag(drill) : replicaLag(taskOutputs);
  const measuredRpo = nonNegative(rpo.seconds);
  const promoted = mode === 'failover' && steps.some((step) => step.kind === 'promote');
  const estimatedRpo = measuredRpo === null ? lagEstimate(lags, promoted) : null;
  const rpoSeconds = drill ? drill.rpo.seconds : (measuredRpo ?? estimatedRpo);
  const writesLost = drill ? drill.rpo.writesLost : nonNegative(rpo.writesLost);
  const region = options.region ?? regionOfArn(arn);
  const traffic = mode === 'failover' ? trafficOf(sources) : null;
  const declared = isWholePlan(plan) && mode === 'failover' ? declaredDependencies(plan) : null;

  const report: RunReport = {
    schemaVersion: 1,
    generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    target: 'aws',
    plan: { name: plan.name, regions: plan.regions, objectives: plan.objectives },
    mode,
    trigger: {
      kind: triggerKind(requestedBy),
      requestedBy,
      reason: text(input.reason, 'not given'),
      incidentId: text(input.incidentId, 'not given'),
    },
    execution: {
      arn,
      name: execution.name ?? arn.split(':').at(-1) ?? arn,
      status,
      startedAt: (execution.startDate ?? startEvent?.timestamp ?? new Date(0)).toISOString(),
      stoppedAt: execution.stopDate ? execution.stopDate.toISOString() : null,
      ...(region ? { consoleUrl: executionConsoleUrl(region, arn) } : {}),
    },
    outcome,
    noChangeReason: noChange?.reason ?? null,
    noChangeDetail: noChange?.detail ?? wouldWait,
    outage: { startedAt: outageAt },
    detection: {
      detectedAt,
      seconds: elapsedSeconds(outageAt, detectedAt),
      ...detectionOf(requestedBy, plan),
      ...(drill || trigger.alarm === null ? {} : { alarm: trigger.alarm, path: trigger.path }),
    },
    traffic,
    rto: {
      seconds: rtoSeconds,
      objectiveSeconds: plan.objectives.rtoSeconds,
      met: rtoMet(rtoSeconds, plan.objectives.rtoSeconds, drill, outcome),
      servingAt,
      ...(drill ? { from: 'declared-outage' as const } : rtoSeconds === null ? {} : { from: rtoFrom }),
    },
    rpo: {
      seconds: rpoSeconds,
      writesLost: writesLost === null ? null : Math.round(writesLost),
      writesDiverged: null,
      objectiveSeconds: plan.objectives.rpoSeconds,
      met: rpoSeconds === null ? null : rpoSeconds <= plan.objectives.rpoSeconds,
      replicaLagAtPromotion: lags,
      ...(drill
        ? { basis: rpoBasis(drill) }
        : estimatedRpo !== null
          ? { basis: 'replica-lag-estimate' as const }
          : {}),
    },
    steps,
    changes: outcome === 'no-change' ? [] : changesOf(output, taskOutputs),
    errors,
    decision: decisionOf(sources, mode),
    confirmation: mode === 'failover' ? confirmationOf(sources) : null,
    fencing: mode === 'failover' ? fencingOf(sources, traffic) : null,
    dependencies: declared?.rows ?? null,
    dependencySource: declared?.source ?? null,
    ...(drill ? { drill: drill.facts } : {}),
  };
  // The report is evidence: never hand out one that its own schema would reject.
  return runReportSchema.parse(report);
}
