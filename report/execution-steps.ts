import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ReportStep } from './schema.ts';
import type { StepResultContext } from './step-details.ts';
import { buildStep, groupEntries, resultOf, type StepFailure, type TaskEntry } from './step-groups.ts';
import { record } from './step-results.ts';

/**
 * Turns a Step Functions execution history into report steps. A step is one Task state, or the
 * Task states of one loop (report/step-names.ts): a poll loop per Map item (StartPromotion,
 * then CheckPromotion), the decision loop, the fencing loop. Its start is the first
 * TaskStateEntered, its end the last exit, a retry is a task scheduled again after it failed.
 * Events are tied to their state through previousEventId, as Step Functions threads concurrent
 * branches and Map iterations.
 */
export type { StepFailure } from './step-groups.ts';

export interface HistorySteps {
  steps: ReportStep[];
  errors: { step?: string; name: string; cause: string }[];
  /**
   * Parsed outputs of succeeded tasks by state name, latest last (changes, lag, serving time); the
   * state's exit output when the history has no task result events.
   */
  taskOutputs: Map<string, unknown[]>;
  /**
   * Each Task state's own results by state name, oldest first: the task result event's, or the
   * part of the state's output its ResultPath wrote (histories without task result events).
   */
  taskResults: Map<string, unknown[]>;
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Lambda causes arrive as `{"errorType","errorMessage","trace"}`: keep the message people can read. */
export function readableCause(cause: string | undefined): string {
  if (!cause) return 'no cause given';
  const parsed = record(parseJson(cause));
  const message = parsed?.errorMessage;
  return typeof message === 'string' ? message : cause;
}

function mapItemOf(input: unknown): string | undefined {
  const fields = record(input);
  const id = fields?.databaseId ?? fields?.serviceId;
  return typeof id === 'string' ? id : undefined;
}

/** A lambda:invoke integration wraps the function's result in Payload; a plain Lambda ARN does not. */
function taskResult(output: string | undefined): unknown {
  const parsed = parseJson(output);
  const payload = record(parsed)?.Payload;
  return payload !== undefined && record(parsed)?.StatusCode !== undefined ? payload : parsed;
}

const SCHEDULED = new Set(['LambdaFunctionScheduled', 'TaskScheduled']);
const SUCCEEDED = new Set(['LambdaFunctionSucceeded', 'TaskSucceeded']);
const FAILED = new Set([
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'LambdaFunctionStartFailed',
  'LambdaFunctionScheduleFailed',
  'TaskFailed',
  'TaskTimedOut',
  'TaskStartFailed',
  'TaskSubmitFailed',
]);

function failureOf(event: HistoryEvent): StepFailure {
  const details =
    event.lambdaFunctionFailedEventDetails ??
    event.lambdaFunctionTimedOutEventDetails ??
    event.lambdaFunctionStartFailedEventDetails ??
    event.lambdaFunctionScheduleFailedEventDetails ??
    event.taskFailedEventDetails ??
    event.taskTimedOutEventDetails ??
    event.taskStartFailedEventDetails ??
    event.taskSubmitFailedEventDetails;
  const timedOut = event.type === 'LambdaFunctionTimedOut' || event.type === 'TaskTimedOut';
  const child = childDescription(details?.error, details?.cause);
  if (child) {
    return {
      error: typeof child.Error === 'string' ? child.Error : `child execution ${String(child.Status)}`,
      cause: readableCause(typeof child.Cause === 'string' ? child.Cause : undefined),
    };
  }
  return {
    error: details?.error ?? (timedOut ? 'States.Timeout' : (event.type ?? 'Error')),
    cause: readableCause(details?.cause),
  };
}

/**
 * A startExecution.sync:2 Task whose child did not succeed fails with States.TaskFailed and the
 * child's DescribeExecution (as JSON) for its cause: the child's own Error and Cause say what went wrong.
 */
function childDescription(
  error: string | undefined,
  cause: string | undefined,
): Record<string, unknown> | undefined {
  if (error !== 'States.TaskFailed') return undefined;
  const described = record(parseJson(cause));
  return typeof described?.ExecutionArn === 'string' && typeof described.Status === 'string'
    ? described
    : undefined;
}

/** The Task's child was stopped (the run, a branch or an iteration ended first): the step was cut short, it did not fail. */
function stoppedChild(event: HistoryEvent): boolean {
  const details = event.taskFailedEventDetails;
  return childDescription(details?.error, details?.cause)?.Status === 'ABORTED';
}

function iso(date: Date | undefined): string {
  return (date ?? new Date(0)).toISOString();
}

/** An error the state's Catch wrote into its output (ResultPath), that its input did not already carry. */
function caughtError(entry: TaskEntry, output: unknown): StepFailure | null {
  const fields = record(output);
  if (!fields) return null;
  for (const [key, value] of Object.entries(fields)) {
    const error = record(value);
    if (typeof error?.Error !== 'string') continue;
    if (JSON.stringify(entry.input?.[key]) === JSON.stringify(value)) continue;
    return {
      error: error.Error,
      cause: readableCause(typeof error.Cause === 'string' ? error.Cause : undefined),
    };
  }
  return null;
}

interface PendingFailure {
  failure: StepFailure;
  at: string;
  /** Task entries open when the failure happened: one of them failed. */
  open: Set<number>;
  consumed: boolean;
}

/**
 * A failure no Catch handled was retried (or ended the run). Without a chain to follow, it goes to
 * the task that was open when it happened and finished first after it: the retry that succeeded.
 * The step says that this attribution is inferred.
 */
function attributeRetries(pending: readonly PendingFailure[], entries: readonly TaskEntry[]): void {
  for (const entry of pending) {
    if (entry.consumed) continue;
    const candidates = entries.filter((task) => entry.open.has(task.id));
    const exitedAfter = candidates
      .filter((task) => task.exitedAt !== null && task.exitedAt >= entry.at && task.failure === null)
      .sort((a, b) => (a.exitedAt ?? '').localeCompare(b.exitedAt ?? ''))[0];
    if (exitedAfter) {
      exitedAfter.retries++;
      exitedAfter.retriedErrors.push(entry.failure.error);
      exitedAfter.retriesInferred ||= candidates.length > 1;
      continue;
    }
    // Never finished after the failure: it ended the run.
    const unfinished = candidates.filter((task) => task.exitedAt === null);
    const owner = unfinished.length === 1 ? unfinished[0] : undefined;
    if (owner) {
      owner.failure = entry.failure;
      owner.failedAt = entry.at;
      owner.failures.push(entry.failure);
    }
  }
}

/**
 * Step Functions threads previousEventId per branch and Map iteration; a history whose every event
 * points at the one before it carries no such information, so ownership falls back to names and
 * Map items.
 */
function isThreaded(events: readonly HistoryEvent[]): boolean {
  return events.some((event, index) => index > 0 && event.previousEventId !== events[index - 1]?.id);
}

export function stepsFromHistory(events: readonly HistoryEvent[], executionRunning: boolean): HistorySteps {
  const ordered = [...events].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const byId = new Map(ordered.map((event) => [event.id ?? 0, event]));
  const threaded = isThreaded(ordered);
  const entries = new Map<number, TaskEntry>();
  const taskOutputs = new Map<string, unknown[]>();
  const exitOutputs = new Map<string, unknown[]>();
  const failStates: { owner: TaskEntry; name: string }[] = [];
  // Failure events can be tied to their task only through a threaded chain or invocation events.
  const attributable = threaded || ordered.some((event) => SCHEDULED.has(event.type ?? ''));
  const pending: PendingFailure[] = [];
  /** Moments a failure ended a branch, an iteration or the run (a failed task is then not retried). */
  const propagations: string[] = [];
  /** Pass states entered (the fencing loop ends in one), with when. */
  const passStates: { name: string; at: string }[] = [];

  /** The nearest TaskStateEntered up the previousEventId chain, when the history threads it. */
  const ownerByChain = (event: HistoryEvent): TaskEntry | undefined => {
    if (!threaded) return undefined;
    let previous = event.previousEventId;
    for (let hops = 0; previous && hops < 10_000; hops++) {
      const entry = entries.get(previous);
      if (entry) return entry;
      previous = byId.get(previous)?.previousEventId;
    }
    return undefined;
  };
  const open = () => [...entries.values()].filter((entry) => entry.exitedAt === null);
  const ownerOf = (event: HistoryEvent, state?: string, resource?: string): TaskEntry | undefined => {
    const chained = ownerByChain(event);
    if (chained && chained.exitedAt === null) return chained;
    // Without a usable chain: the most recent open task of the same state and Map item, when known.
    const candidates = open().filter(
      (entry) =>
        (state === undefined || entry.state === state) &&
        (resource === undefined || entry.resource === resource),
    );
    return candidates.at(-1) ?? chained;
  };
  const remember = (outputs: Map<string, unknown[]>, state: string, output: unknown) => {
    const list = outputs.get(state) ?? [];
    list.push(output);
    outputs.set(state, list);
  };

  for (const event of ordered) {
    const at = iso(event.timestamp);
    const type = event.type ?? '';
    if (PROPAGATION_EVENTS.has(type)) propagations.push(at);
    if (type === 'TaskStateEntered') {
      if (FAILURE_PATH_STATES.has(event.stateEnteredEventDetails?.name ?? '')) propagations.push(at);
      const input = record(parseJson(event.stateEnteredEventDetails?.input));
      const id = event.id ?? entries.size + 1;
      entries.set(id, {
        id,
        state: event.stateEnteredEventDetails?.name ?? 'Task',
        resource: mapItemOf(input),
        input,
        enteredAt: at,
        exitedAt: null,
        lastEventAt: at,
        scheduled: 0,
        retries: 0,
        retriedErrors: [],
        failures: [],
        failure: null,
        failedAt: null,
        output: undefined,
        exitOutput: undefined,
        retriesInferred: false,
        stopped: false,
      });
    } else if (SCHEDULED.has(type)) {
      const owner = ownerOf(event);
      if (!owner) continue;
      if (owner.resource === undefined) {
        const parameters =
          event.lambdaFunctionScheduledEventDetails?.input ?? event.taskScheduledEventDetails?.parameters;
        owner.resource = mapItemOf(parseJson(parameters));
      }
      // A task scheduled again after a failure is a retry.
      if (owner.scheduled > 0) {
        owner.retries++;
        if (owner.failure) owner.retriedErrors.push(owner.failure.error);
      }
      owner.scheduled++;
      owner.failure = null;
      owner.lastEventAt = at;
    } else if (SUCCEEDED.has(type)) {
      const owner = ownerOf(event);
      if (!owner) continue;
      owner.output = taskResult(
        event.lambdaFunctionSucceededEventDetails?.output ?? event.taskSucceededEventDetails?.output,
      );
      owner.failure = null;
      owner.lastEventAt = at;
      remember(taskOutputs, owner.state, owner.output);
    } else if (FAILED.has(type)) {
      if (!attributable) {
        pending.push({
          failure: failureOf(event),
          at,
          open: new Set(open().map((entry) => entry.id)),
          consumed: false,
        });
        continue;
      }
      const owner = ownerOf(event);
      if (!owner) continue;
      if (stoppedChild(event)) {
        owner.stopped = true;
        owner.lastEventAt = at;
        continue;
      }
      owner.failure = failureOf(event);
      owner.failedAt = at;
      owner.failures.push(owner.failure);
      owner.lastEventAt = at;
    } else if (type === 'TaskStateExited') {
      const name = event.stateExitedEventDetails?.name;
      const output = parseJson(event.stateExitedEventDetails?.output);
      const owner = ownerOf(event, name, mapItemOf(output));
      if (!owner) continue;
      owner.exitedAt = at;
      owner.lastEventAt = at;
      owner.exitOutput = output;
      remember(exitOutputs, owner.state, output);
      const caught = caughtError(owner, output);
      if (!attributable && caught) {
        // The failure the Catch just handled: the latest one of that error while this task was open.
        const handled = pending.findLast(
          (entry) => !entry.consumed && entry.failure.error === caught.error && entry.open.has(owner.id),
        );
        if (handled) handled.consumed = true;
        owner.failure = handled?.failure ?? caught;
        owner.failedAt = at;
        owner.failures.push(owner.failure);
      } else if (caught && !owner.failure) {
        owner.failure = caught;
        owner.failedAt = at;
      }
    } else if (type === 'FailStateEntered') {
      const input = parseJson(event.stateEnteredEventDetails?.input);
      const item = mapItemOf(input);
      const owner =
        item === undefined
          ? ownerByChain(event)
          : [...entries.values()].filter((entry) => entry.resource === item).at(-1);
      // Only a Fail state inside a Map item (e.g. a poll loop that ran out) fails that item's step.
      if (owner?.resource !== undefined)
        failStates.push({ owner, name: event.stateEnteredEventDetails?.name ?? 'Fail' });
    } else if (type === 'PassStateEntered') {
      passStates.push({ name: event.stateEnteredEventDetails?.name ?? '', at });
    }
  }
  if (!attributable) attributeRetries(pending, [...entries.values()]);
  // Histories without task result events: the state's exit output stands in for the task's result.
  for (const [state, outputs] of exitOutputs) if (!taskOutputs.has(state)) taskOutputs.set(state, outputs);

  const all = [...entries.values()].sort((a, b) => a.id - b.id);
  const context: StepResultContext = { running: executionRunning };
  const steps: ReportStep[] = [];
  const errors: HistorySteps['errors'] = [];
  for (const group of groupEntries(all)) {
    const built = buildStep(group, {
      all,
      context,
      executionRunning,
      failStates,
      propagatedAfter: (moment) => propagations.some((when) => when >= moment),
      passedAfter: (names, moment) =>
        passStates.some((pass) => names.includes(pass.name) && pass.at >= moment),
    });
    if (!built) continue;
    steps.push(built.step);
    if (built.error) errors.push(built.error);
  }
  const taskResults = new Map<string, unknown[]>();
  for (const entry of all) {
    if (entry.exitedAt === null && entry.output === undefined) continue;
    const list = taskResults.get(entry.state) ?? [];
    list.push(resultOf(entry));
    taskResults.set(entry.state, list);
  }
  return { steps, errors, taskOutputs, taskResults };
}

/** Events that mean a failure ended a branch, an iteration or the run. */
const PROPAGATION_EVENTS = new Set([
  'MapIterationFailed',
  'MapStateFailed',
  'ParallelStateFailed',
  'ExecutionFailed',
  'FailStateEntered',
]);
/** States only a caught failure leads to: once one is entered, the failure it handles is final. */
const FAILURE_PATH_STATES = new Set([
  'AssessChanges',
  'NotifyFailed',
  'NotifyRefused',
  'NotifyPreflightFailed',
]);
