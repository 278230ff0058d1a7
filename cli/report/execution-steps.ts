import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ReportStep } from './schema.ts';

/**
 * Turns a Step Functions execution history into report steps. A step is one Task state (or a
 * poll loop of two Task states, e.g. StartPromotion + CheckPromotion) for one Map item: its
 * start is the first TaskStateEntered, its end the last exit, a retry is a task scheduled again
 * after it failed. Events are tied to their state through previousEventId, as Step Functions
 * threads concurrent branches and Map iterations.
 */
interface StepName {
  label: (resource: string | undefined) => string;
  kind: ReportStep['kind'];
}

const KNOWN_STATES: Record<string, StepName> = {
  Preflight: { label: () => 'Preflight', kind: 'preflight' },
  NotifyStarted: { label: () => 'Notify started', kind: 'notify' },
  NotifyPreflightFailed: { label: () => 'Notify failure', kind: 'notify' },
  NotifySucceeded: { label: () => 'Notify result', kind: 'notify' },
  NotifyFailed: { label: () => 'Notify failure', kind: 'notify' },
  StartPromotion: { label: (id) => `Promote ${id ?? 'database'}`, kind: 'promote' },
  CheckPromotion: { label: (id) => `Promote ${id ?? 'database'}`, kind: 'promote' },
  StartScaling: { label: (id) => `Scale ${id ?? 'service'}`, kind: 'scale' },
  CheckScaling: { label: (id) => `Scale ${id ?? 'service'}`, kind: 'scale' },
  SwitchDns: { label: () => 'Switch DNS', kind: 'dns' },
  CheckDnsSync: { label: () => 'Switch DNS', kind: 'dns' },
  VerifyDrEndpoint: { label: () => 'Verify DR endpoint', kind: 'verify' },
  AssessChanges: { label: () => 'Assess changes', kind: 'assess' },
};

export interface StepFailure {
  error: string;
  cause: string;
}

interface TaskEntry {
  id: number;
  state: string;
  resource: string | undefined;
  input: Record<string, unknown> | undefined;
  enteredAt: string;
  exitedAt: string | null;
  lastEventAt: string;
  /** Task invocations seen (LambdaFunctionScheduled, TaskScheduled); histories without them count 0. */
  scheduled: number;
  retries: number;
  retriedErrors: string[];
  /** Failures attributed to this state entry, in order. */
  failures: StepFailure[];
  /** The failure of the latest attempt, cleared when an attempt succeeds. */
  failure: StepFailure | null;
  output: unknown;
  /** The state's output when it exited (holds the poll result under promotion/scale/dns). */
  exitOutput: unknown;
  /** Retries were tied to this task by timing, not by the history's event chain. */
  retriesInferred: boolean;
}

export interface HistorySteps {
  steps: ReportStep[];
  errors: { step?: string; name: string; cause: string }[];
  /**
   * Parsed outputs of succeeded tasks by state name, latest last (changes, lag, serving time); the
   * state's exit output when the history has no task result events.
   */
  taskOutputs: Map<string, unknown[]>;
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
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
  return {
    error: details?.error ?? (timedOut ? 'States.Timeout' : (event.type ?? 'Error')),
    cause: readableCause(details?.cause),
  };
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
    if (type === 'TaskStateEntered') {
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
        output: undefined,
        exitOutput: undefined,
        retriesInferred: false,
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
      owner.failure = failureOf(event);
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
        owner.failures.push(owner.failure);
      } else if (caught && !owner.failure) {
        owner.failure = caught;
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
    }
  }
  if (!attributable) attributeRetries(pending, [...entries.values()]);
  // Histories without task result events: the state's exit output stands in for the task's result.
  for (const [state, outputs] of exitOutputs) if (!taskOutputs.has(state)) taskOutputs.set(state, outputs);

  // Group entries into steps, in the order each step first started.
  const groups = new Map<string, { name: StepName; resource: string | undefined; entries: TaskEntry[] }>();
  for (const entry of [...entries.values()].sort((a, b) => a.id - b.id)) {
    const name = KNOWN_STATES[entry.state] ?? {
      label: (id: string | undefined) => (id ? `${entry.state} ${id}` : entry.state),
      kind: 'other' as const,
    };
    const label = name.label(entry.resource);
    const group = groups.get(label) ?? { name, resource: entry.resource, entries: [] };
    group.entries.push(entry);
    groups.set(label, group);
  }

  const steps: ReportStep[] = [];
  const errors: HistorySteps['errors'] = [];
  for (const [label, group] of groups) {
    const first = group.entries[0];
    const last = group.entries.at(-1);
    if (!first || !last) continue;
    const failState = failStates.find((fail) => fail.owner === last);
    const failure: StepFailure | null =
      last.failure ??
      (failState ? { error: failState.name, cause: `the step ended in the ${failState.name} state` } : null);
    const ended = last.exitedAt ?? (failure ? last.lastEventAt : null);
    // A poll loop whose last check was not done was cut short (a sibling branch failed): not a success.
    const cutShort =
      POLLING_KINDS.has(group.name.kind) && !failure && last.exitedAt !== null && pollDone(last) === false;
    let outcome: ReportStep['outcome'];
    if (failure) outcome = 'failed';
    else if (last.exitedAt !== null && !cutShort) outcome = 'succeeded';
    else outcome = executionRunning ? 'running' : 'unknown';
    const retries = group.entries.reduce((sum, entry) => sum + entry.retries, 0);
    const retried = [...new Set(group.entries.flatMap((entry) => entry.retriedErrors))];
    const polls = group.entries.length;
    const detailParts = [
      cutShort ? 'stopped before it was done (another step of the run failed)' : '',
      polls > 1 ? `started, then ${polls - 1} status ${polls === 2 ? 'check' : 'checks'}` : '',
      retried.length > 0 ? `retried after ${retried.join(', ')}` : '',
      group.entries.some((entry) => entry.retriesInferred) ? 'retries matched to this step by timing' : '',
    ].filter(Boolean);
    steps.push({
      step: label,
      kind: group.name.kind,
      ...(group.resource === undefined ? {} : { resource: group.resource }),
      startedAt: first.enteredAt,
      endedAt: ended,
      outcome,
      retries,
      ...(detailParts.length > 0 ? { detail: detailParts.join('; ') } : {}),
      ...(failure ? { error: { name: failure.error, message: failure.cause } } : {}),
    });
    if (failure) errors.push({ step: label, name: failure.error, cause: failure.cause });
  }
  return { steps, errors, taskOutputs };
}

const POLL_RESULT_PATHS = ['promotion', 'scale', 'dns'] as const;
const POLLING_KINDS = new Set<ReportStep['kind']>(['promote', 'scale', 'dns']);

/** `done` of a poll step's last result (the task result, or the state output's poll field); undefined when absent. */
function pollDone(entry: TaskEntry): boolean | undefined {
  const fromTask = record(entry.output)?.done;
  if (typeof fromTask === 'boolean') return fromTask;
  const state = record(entry.exitOutput);
  for (const path of POLL_RESULT_PATHS) {
    const done = record(state?.[path])?.done;
    if (typeof done === 'boolean') return done;
  }
  return undefined;
}
