import type { ReportStep } from './schema.ts';
import {
  describeAnswer,
  describeConfirm,
  describeDecision,
  describeDns,
  describeFencing,
  describePreflight,
  describeVerification,
  type StepResultContext,
} from './step-details.ts';
import { ANSWER_ERRORS, type StepName, stepNameOf } from './step-names.ts';
import { readDecision, record } from './step-results.ts';

/**
 * From Task state entries (one per TaskStateEntered, with what the history said about it) to
 * report steps: entries that make one step are grouped by the step's label, and the step's
 * outcome, times, retries and detail come from the group's first and last entries.
 */
export interface StepFailure {
  error: string;
  cause: string;
}

export interface TaskEntry {
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
  /** When the latest failure happened. */
  failedAt: string | null;
  output: unknown;
  /** The state's output when it exited (holds the task's result under its ResultPath). */
  exitOutput: unknown;
  /** Retries were tied to this task by timing, not by the history's event chain. */
  retriesInferred: boolean;
  /** Its child execution was stopped before it ended (a startExecution.sync:2 Task cut short). */
  stopped: boolean;
}

export interface StepGroup {
  name: StepName;
  label: string;
  resource: string | undefined;
  entries: TaskEntry[];
}

/** Entries grouped into steps, in the order each step first started. */
export function groupEntries(entries: readonly TaskEntry[]): StepGroup[] {
  const groups = new Map<string, StepGroup>();
  for (const entry of entries) {
    const name = stepNameOf(entry.state);
    const label = name.label(entry.resource);
    const group = groups.get(label) ?? { name, label, resource: entry.resource, entries: [] };
    group.entries.push(entry);
    groups.set(label, group);
  }
  return [...groups.values()];
}

export interface BuildContext {
  /** Every entry of the history, by id. */
  all: readonly TaskEntry[];
  context: StepResultContext;
  executionRunning: boolean;
  /** Fail states entered inside a Map item, by the entry whose item they ended. */
  failStates: readonly { owner: TaskEntry; name: string }[];
  /** A failure ended a branch, an iteration or the run at or after this moment. */
  propagatedAfter: (moment: string) => boolean;
  /** One of these Pass states was entered at or after this moment. */
  passedAfter: (names: readonly string[], moment: string) => boolean;
}

/** The words of a step that a failure elsewhere stopped (a Parallel or Map ends all its branches). */
export const STOPPED_EARLY = 'stopped before it was done (another step of the run failed)';

/** Pass states a loop ends through when it ends on its own (statemachines/failover.asl.json). */
const LOOP_ENDS: Partial<Record<ReportStep['kind'], readonly string[]>> = {
  fence: ['FenceDone', 'FenceGaveUp'],
};

/** The task's own result: the task result event's, or the state output's field under its ResultPath. */
export function resultOf(entry: TaskEntry | undefined): unknown {
  if (!entry) return undefined;
  if (record(entry.output)) return entry.output;
  const state = record(entry.exitOutput);
  const { resultPath } = stepNameOf(entry.state);
  return resultPath === undefined ? state : state?.[resultPath];
}

const DESCRIBE: Partial<
  Record<ReportStep['kind'], (result: unknown, context: StepResultContext) => string | undefined>
> = {
  preflight: describePreflight,
  decision: describeDecision,
  confirm: describeConfirm,
  fence: describeFencing,
  dns: describeDns,
  verify: describeVerification,
};

const POLL_RESULT_PATHS = ['promotion', 'scale', 'dns', 'gate'] as const;
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

/** The decision loop still waits: its last check found no decision and the run has not moved on. */
function decisionWaiting(group: StepGroup, build: BuildContext): boolean {
  if (group.name.kind !== 'decision' || !build.executionRunning) return false;
  const checks = group.entries.filter((entry) => entry.state === 'CheckDecision');
  const status = readDecision(resultOf(checks.at(-1)))?.status;
  if (checks.length > 0 && status !== 'pending') return false;
  const last = group.entries.at(-1);
  const states = new Set(group.entries.map((entry) => entry.state));
  return !build.all.some((entry) => last !== undefined && entry.id > last.id && !states.has(entry.state));
}

/**
 * A step that did not fail and did not finish: a failure elsewhere ended it (a Parallel or a Map
 * ends all its branches when one fails). Not a success.
 */
function cutShortOf(group: StepGroup, last: TaskEntry, build: BuildContext): boolean {
  // Its child execution was stopped.
  if (last.stopped) return true;
  // Still open when a failure ended its branch or the run.
  if (last.exitedAt === null) return !build.executionRunning && build.propagatedAfter(last.lastEventAt);
  // A poll loop whose last check was not done.
  if (POLLING_KINDS.has(group.name.kind) && pollDone(last) === false) return true;
  // A loop that left without passing through its own end.
  const loopEnds = LOOP_ENDS[group.name.kind];
  return loopEnds !== undefined && !build.passedAfter(loopEnds, last.exitedAt);
}

function pollsText(group: StepGroup): string {
  if (group.entries.some((entry) => stepNameOf(entry.state).runsChild))
    return 'status checks in a child execution';
  const polls = group.entries.length;
  if (!POLLING_KINDS.has(group.name.kind) || polls < 2) return '';
  return `started, then ${polls - 1} status ${polls === 2 ? 'check' : 'checks'}`;
}

export function buildStep(
  group: StepGroup,
  build: BuildContext,
): { step: ReportStep; error?: { step: string; name: string; cause: string } } | null {
  const first = group.entries[0];
  const last = group.entries.at(-1);
  if (!first || !last) return null;
  const failState = build.failStates.find((fail) => fail.owner === last);
  const failure: StepFailure | null =
    last.failure ??
    (failState ? { error: failState.name, cause: `the step ended in the ${failState.name} state` } : null);
  // The lock's refusal or the primary's answer: the step did its job, the run ends with no change.
  const answer = failure !== null && (ANSWER_ERRORS[last.state] ?? []).includes(failure.error);
  // A failed attempt on a task still open, while the run goes on: Step Functions retries it.
  const retrying =
    failure !== null &&
    !answer &&
    !failState &&
    last.exitedAt === null &&
    build.executionRunning &&
    !build.propagatedAfter(last.failedAt ?? last.lastEventAt);
  const waiting = decisionWaiting(group, build);
  const ended =
    waiting || retrying ? null : (last.exitedAt ?? (failure || last.stopped ? last.lastEventAt : null));
  const cutShort = !failure && cutShortOf(group, last, build);
  let outcome: ReportStep['outcome'];
  if (answer) outcome = 'succeeded';
  else if (retrying || waiting) outcome = 'running';
  else if (failure) outcome = 'failed';
  else if (last.exitedAt !== null && !cutShort) outcome = 'succeeded';
  else outcome = build.executionRunning ? 'running' : 'unknown';

  const lastWithResult =
    group.name.kind === 'decision' ? group.entries.filter((e) => e.state === 'CheckDecision').at(-1) : last;
  const described = answer
    ? describeAnswer(failure.error, failure.cause)
    : waiting && lastWithResult === undefined
      ? "waiting for a person's decision"
      : DESCRIBE[group.name.kind]?.(resultOf(lastWithResult), build.context);
  const retries = group.entries.reduce((sum, entry) => sum + entry.retries, 0);
  const retried = [...new Set(group.entries.flatMap((entry) => entry.retriedErrors))];
  const detailParts = [
    cutShort ? STOPPED_EARLY : '',
    pollsText(group),
    retrying && failure ? `retrying after ${failure.error}` : '',
    retried.length > 0 ? `retried after ${retried.join(', ')}` : '',
    group.entries.some((entry) => entry.retriesInferred) ? 'retries matched to this step by timing' : '',
  ].filter(Boolean);
  const step: ReportStep = {
    step: group.label,
    kind: group.name.kind,
    ...(group.resource === undefined ? {} : { resource: group.resource }),
    startedAt: first.enteredAt,
    endedAt: ended,
    outcome,
    retries,
    ...(detailParts.length > 0 ? { detail: detailParts.join('; ') } : {}),
    ...(described ? { result: described } : {}),
    ...(failure && !answer ? { error: { name: failure.error, message: failure.cause } } : {}),
  };
  const final = failure !== null && !answer && !retrying;
  return final ? { step, error: { step: group.label, name: failure.error, cause: failure.cause } } : { step };
}
