import { randomUUID } from 'node:crypto';
import type { SimClock } from '../clock.ts';
import { AwsError, ConnectionRefused } from '../protocol/errors.ts';
import type { RequestContext } from '../protocol/server.ts';
import type { Random } from '../rng.ts';
import type { ExecutionHistory, ThreadRef } from './history.ts';
import { readReferencePath } from './json-path.ts';
import type { Invoke } from './lambda-functions.ts';
import { decideRetry, isRetryable } from './retry.ts';
import {
  PAYLOAD_KEY,
  RAW_INPUT_KEY,
  type TaskSpec,
  type WaitSpec,
  type WorldDefinition,
} from './world-definition.ts';

/**
 * The local handlers of one execution's states: Task states invoke the real Lambda handlers as
 * Step Functions invokes Lambda (invoke faults, TimeoutSeconds, the payload limit, the
 * LambdaFunction* history events, the Retry interval), rewritten Wait states wait on the world's
 * clock. Everything here runs in simulated time.
 */
export interface TaskRunnerParts {
  clock: SimClock;
  random: Random;
  /** The state machine's region: where its Lambda functions are invoked. */
  region: string;
  history: ExecutionHistory;
  world: WorldDefinition;
  functions: Record<string, Invoke>;
  /** Task state name → function (a key of `functions`). */
  tasks: Record<string, string>;
  /** The world's faults for Lambda Invoke (throttling, 5xx, an unreachable region). */
  invokeGate: (call: RequestContext) => Promise<void>;
  /** Simulated latency of an Invoke call that Lambda refuses (an API round trip). */
  refusedInvokeMs: number;
  /**
   * Starts a child execution for a startExecution.sync:2 Task (StartExecution in this region;
   * throws the AwsError StartExecution would). Absent: the world runs no nested executions.
   */
  startChild?: (stateMachineArn: string, input: string, taskState: string) => ChildExecution;
}

/** What the parent's Task sees of the child it started, as DescribeExecution returns it. */
export interface ChildExecution {
  arn: string;
  name: string;
  stateMachineArn: string;
  input: string;
  startDate: Date;
  /** Resolves when the child has ended (its status is then final). */
  done: Promise<{
    status: string;
    stopDate: Date | undefined;
    output: string | undefined;
    error: string | undefined;
    cause: string | undefined;
  }>;
}

type LocalHandler = (input: unknown) => Promise<unknown>;

/** Step Functions' limit on a state's input or output: 256 KiB of UTF-8 (Step Functions quotas). */
export const PAYLOAD_LIMIT_BYTES = 262_144;

export function localHandlers(parts: TaskRunnerParts): Record<string, LocalHandler> {
  const handlers: Record<string, LocalHandler> = {};
  parts = { ...parts, clock: closing(parts.clock) };
  for (const [state, wait] of Object.entries(parts.world.waits)) handlers[state] = waitHandler(parts, wait);
  for (const [state, key] of Object.entries(parts.tasks)) {
    const spec = parts.world.tasks[state];
    if (spec) handlers[state] = taskHandler(parts, state, spec, key);
  }
  for (const [state, spec] of Object.entries(parts.world.tasks)) {
    if (spec.integration === 'startExecution.sync:2') handlers[state] = childTaskHandler(parts, state, spec);
  }
  return handlers;
}

/**
 * The clock as the state's handlers use it: once the world closes, what is still waiting (a
 * Wait, a retry interval) and what starts anew fails at once with a terminal WorldClosed, so
 * that what is left of a run (the other branches of a failed Parallel) ends instead of waiting
 * for ever on a clock that no longer runs.
 */
function closing(clock: SimClock): SimClock {
  let closed = false;
  const waiting = new Set<(error: Error) => void>();
  clock.onStop(() => {
    closed = true;
    for (const reject of waiting) reject(worldClosed());
    waiting.clear();
  });
  const worldClosed = () => terminal('WorldClosed', 'the local world was closed');
  return {
    ...clock,
    sleep: (simulatedMs) => {
      if (closed) return Promise.reject(worldClosed());
      return new Promise<void>((resolve, reject) => {
        waiting.add(reject);
        clock.sleep(simulatedMs).then(() => {
          waiting.delete(reject);
          resolve();
        });
      });
    },
    hold: () => {
      if (closed) throw worldClosed();
      return clock.hold();
    },
  };
}

function waitHandler(parts: TaskRunnerParts, wait: WaitSpec): LocalHandler {
  return async (input) => {
    await parts.clock.sleep(waitMs(wait, input, parts.clock.now()));
    return input;
  };
}

/** How long a Wait waits: Seconds / SecondsPath, or until Timestamp / TimestampPath. */
export function waitMs(wait: WaitSpec, input: unknown, now: number): number {
  if (wait.seconds !== undefined) return wait.seconds * 1000;
  if (wait.secondsPath !== undefined) {
    const seconds = readReferencePath(wait.secondsPath, input);
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw terminal(
        'States.Runtime',
        `The SecondsPath parameter does not reference a valid integer value: ${wait.secondsPath}`,
      );
    }
    return seconds * 1000;
  }
  const timestamp = wait.timestamp ?? readReferencePath(wait.timestampPath ?? '', input);
  const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(at)) {
    throw terminal('States.Runtime', `The TimestampPath parameter does not reference a valid timestamp`);
  }
  return Math.max(0, at - now);
}

function taskHandler(parts: TaskRunnerParts, state: string, spec: TaskSpec, key: string): LocalHandler {
  const { clock, history, world } = parts;
  const container =
    world.containerOf[state] ?? (world.containers.root as NonNullable<typeof world.containers.root>);
  /** Attempts per retrier, per state entry (one entry's attempts are keyed by its input). */
  const attempts = new Map<string, number[]>();
  return async (received) => {
    // The world's own work on an invocation is held like the handler's (real speed, not scale);
    // only the retry interval flows at scale. The hold ends on the next turn, after the
    // interpreter has taken the result.
    let release = clock.hold();
    const releaseNow = () => {
      release();
      release = () => {};
    };
    try {
      return await invoke(received, releaseNow);
    } finally {
      const pending = release;
      setImmediate(pending);
    }
  };

  async function invoke(received: unknown, releaseNow: () => void): Promise<unknown> {
    const { payload, invocationKey } = unwrap(state, spec, received);
    const thread: ThreadRef = invocationKey === undefined ? { container } : { invocationKey, container };
    const entryKey = invocationKey ?? `${state}|${JSON.stringify(payload)}`;
    const timeoutSeconds = timeoutOf(spec, payload);
    let startedAt = clock.now();
    // An invocation's end sorts before the interpreter's events of its millisecond, its start
    // after them: so an end is never stamped at the millisecond its invocation started.
    const record = (type: string, details: Record<string, unknown>, start: boolean) => {
      const at = start ? clock.now() : Math.max(clock.now(), startedAt + 1);
      if (start) startedAt = at;
      history.add(type, at, details, thread, start ? 'invocation-start' : 'invocation-end');
    };
    record(
      'LambdaFunctionScheduled',
      {
        lambdaFunctionScheduledEventDetails: {
          resource: spec.resource,
          input: JSON.stringify(payload),
          inputDetails: { truncated: false },
          ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
        },
      },
      true,
    );
    try {
      await invokeThroughGate(parts, spec.resource);
      record('LambdaFunctionStarted', {}, true);
      const fn = parts.functions[key];
      if (fn === undefined) {
        throw Object.assign(new Error(`no function ${key} is deployed in the world`), {
          name: 'FunctionUnavailable',
        });
      }
      const result = await withTimeout(clock, fn(payload), timeoutSeconds);
      const output = JSON.stringify(result ?? null);
      checkResultSize(state, output);
      record(
        'LambdaFunctionSucceeded',
        { lambdaFunctionSucceededEventDetails: { output, outputDetails: { truncated: false } } },
        false,
      );
      attempts.delete(entryKey);
      return result;
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      const timedOut = error.name === 'States.Timeout';
      record(
        timedOut ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed',
        {
          [timedOut ? 'lambdaFunctionTimedOutEventDetails' : 'lambdaFunctionFailedEventDetails']: {
            error: error.name,
            cause: error.message,
          },
        },
        false,
      );
      const delayMs = retryDelay(parts, spec, attempts, entryKey, error);
      if (delayMs !== undefined) {
        releaseNow();
        await clock.sleep(delayMs);
      }
      throw error;
    }
  }
}

/** The handler's payload and, inside a Map, the key that ties its events to its iteration. */
function unwrap(
  state: string,
  spec: TaskSpec,
  received: unknown,
): { payload: unknown; invocationKey: string | undefined } {
  if (!spec.wrapped || received === null || typeof received !== 'object') {
    return { payload: received, invocationKey: undefined };
  }
  const fields = received as Record<string, unknown>;
  return {
    payload: fields[PAYLOAD_KEY],
    invocationKey: invocationKeyOf(state, fields[RAW_INPUT_KEY]),
  };
}

/** Ties an invocation inside a Map to the StateEntered event with the same state and input. */
export function invocationKeyOf(state: string, stateInput: unknown): string {
  return `${state}|${JSON.stringify(stateInput)}`;
}

function timeoutOf(spec: TaskSpec, payload: unknown): number | undefined {
  if (spec.timeoutSeconds !== undefined) return spec.timeoutSeconds;
  if (spec.timeoutSecondsPath === undefined) return undefined;
  const value = readReferencePath(spec.timeoutSecondsPath, payload);
  return typeof value === 'number' && value >= 1 ? value : undefined;
}

/** Lambda's Invoke passes the world's faults first; Step Functions names the error `Lambda.<code>`. */
async function invokeThroughGate(parts: TaskRunnerParts, resource: string): Promise<void> {
  const requestId = randomUUID();
  try {
    await parts.invokeGate({ service: 'lambda', region: parts.region, operation: 'Invoke', requestId });
  } catch (error) {
    // Lambda took the call and refused it: that still cost a round trip.
    await parts.clock.reach(parts.clock.now() + parts.refusedInvokeMs);
    if (error instanceof AwsError) {
      const message = error.code === 'TooManyRequestsException' ? 'Rate Exceeded.' : error.message;
      throw statesError(
        `Lambda.${error.code}`,
        `${message} (Service: AWSLambda; Status Code: ${error.status}; Error Code: ${error.code}; Request ID: ${requestId}; Proxy: null)`,
      );
    }
    if (error instanceof ConnectionRefused) {
      const host = `lambda.${parts.region}.amazonaws.com`;
      throw statesError(
        'Lambda.SdkClientException',
        `Unable to execute HTTP request: Connect to ${host}:443 [${host}] failed: Connection refused (invoking ${resource})`,
      );
    }
    throw error;
  }
}

/** The handler's result, or States.Timeout once TimeoutSeconds of simulated time have passed. */
function withTimeout(clock: SimClock, work: Promise<unknown>, timeoutSeconds: number | undefined) {
  if (timeoutSeconds === undefined) return work;
  return new Promise<unknown>((resolve, reject) => {
    const cancel = clock.schedule(clock.now() + timeoutSeconds * 1000, () =>
      reject(
        statesError(
          'States.Timeout',
          `The task did not finish within its TimeoutSeconds (${timeoutSeconds} s).`,
        ),
      ),
    );
    work.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        cancel();
        reject(error);
      },
    );
  });
}

/** When the interpreter will retry this failure: the retrier's interval, to wait in simulated time. */
function retryDelay(
  parts: TaskRunnerParts,
  spec: TaskSpec,
  attemptsByEntry: Map<string, number[]>,
  entryKey: string,
  error: Error,
): number | undefined {
  const attempts = attemptsByEntry.get(entryKey) ?? spec.retry.map(() => 0);
  const decision = isRetryable(error as { isRetryable?: boolean })
    ? decideRetry(spec.retry, attempts, error.name, parts.random)
    : undefined;
  if (!decision) {
    attemptsByEntry.delete(entryKey);
    return undefined;
  }
  attemptsByEntry.set(entryKey, attempts);
  return decision.delayMs;
}

function statesError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Errors Step Functions neither retries nor lets States.ALL catch (States.DataLimitExceeded, States.Runtime). */
function terminal(name: string, message: string): Error {
  return Object.assign(statesError(name, message), { isRetryable: false, isCatchable: false });
}

/**
 * A Task on `arn:aws:states:::states:startExecution.sync:2` as Step Functions runs it: StartExecution
 * of the child (an API round trip, through the world's faults for Step Functions), then a wait on
 * the child's end. History: TaskScheduled, TaskStarted, TaskSubmitted (the StartExecution
 * response), then TaskSucceeded with the child's DescribeExecution (Input and Output as JSON) or
 * TaskFailed with States.TaskFailed and that same description as the Cause (its Error and Cause
 * are the child's). A refused StartExecution fails the Task with `StepFunctions.<code>`.
 */
function childTaskHandler(parts: TaskRunnerParts, state: string, spec: TaskSpec): LocalHandler {
  const { clock, history, world } = parts;
  const container =
    world.containerOf[state] ?? (world.containers.root as NonNullable<typeof world.containers.root>);
  const attempts = new Map<string, number[]>();
  const integration = { resourceType: 'states', resource: 'startExecution.sync:2' };
  return async (received) => {
    const { payload, invocationKey } = unwrap(state, spec, received);
    const thread: ThreadRef = invocationKey === undefined ? { container } : { invocationKey, container };
    const entryKey = invocationKey ?? `${state}|${JSON.stringify(payload)}`;
    let startedAt = clock.now();
    const record = (type: string, details: Record<string, unknown>, start: boolean) => {
      const at = start ? clock.now() : Math.max(clock.now(), startedAt + 1);
      if (start) startedAt = at;
      history.add(type, at, details, thread, start ? 'invocation-start' : 'invocation-end');
    };
    const parameters = (payload ?? {}) as { StateMachineArn?: unknown; Input?: unknown; Name?: unknown };
    record(
      'TaskScheduled',
      {
        taskScheduledEventDetails: {
          ...integration,
          region: parts.region,
          parameters: JSON.stringify(payload),
        },
      },
      true,
    );
    let child: ChildExecution;
    try {
      child = await startThroughGate(parts, parameters, state);
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      record(
        'TaskFailed',
        { taskFailedEventDetails: { ...integration, error: error.name, cause: error.message } },
        false,
      );
      const delayMs = retryDelay(parts, spec, attempts, entryKey, error);
      if (delayMs !== undefined) await clock.sleep(delayMs);
      throw error;
    }
    record('TaskStarted', { taskStartedEventDetails: integration }, true);
    const submitted = JSON.stringify({ ExecutionArn: child.arn, StartDate: child.startDate.getTime() });
    record(
      'TaskSubmitted',
      {
        taskSubmittedEventDetails: { ...integration, output: submitted, outputDetails: { truncated: false } },
      },
      true,
    );
    const ended = await child.done;
    // The interpreter takes the result on the next turn: time must not move before it has.
    const release = clock.hold();
    setImmediate(release);
    attempts.delete(entryKey);
    const description = describeChild(child, ended);
    if (ended.status === 'SUCCEEDED') {
      const output = JSON.stringify(description);
      checkResultSize(state, output);
      record(
        'TaskSucceeded',
        { taskSucceededEventDetails: { ...integration, output, outputDetails: { truncated: false } } },
        false,
      );
      return description;
    }
    const cause = JSON.stringify(description);
    record(
      'TaskFailed',
      { taskFailedEventDetails: { ...integration, error: 'States.TaskFailed', cause } },
      false,
    );
    throw statesError('States.TaskFailed', cause);
  };
}

async function startThroughGate(
  parts: TaskRunnerParts,
  parameters: { StateMachineArn?: unknown; Input?: unknown; Name?: unknown },
  state: string,
): Promise<ChildExecution> {
  const requestId = randomUUID();
  const refused = (code: string, message: string) =>
    statesError(
      `StepFunctions.${code}`,
      `${message} (Service: AWSStepFunctions; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`,
    );
  await parts.clock.reach(parts.clock.now() + parts.refusedInvokeMs);
  if (parts.startChild === undefined)
    throw refused('StateMachineDoesNotExist', 'this world runs no child executions');
  if (typeof parameters.StateMachineArn !== 'string') {
    throw terminal('States.Runtime', `The state/task '${state}' has no StateMachineArn parameter`);
  }
  try {
    await parts.invokeGate({ service: 'sfn', region: parts.region, operation: 'StartExecution', requestId });
    // Input: an object is sent as its JSON text; a string as it is (AWS's StartExecution integration).
    const input =
      parameters.Input === undefined
        ? '{}'
        : typeof parameters.Input === 'string'
          ? parameters.Input
          : JSON.stringify(parameters.Input);
    return parts.startChild(parameters.StateMachineArn, input, state);
  } catch (error) {
    if (error instanceof AwsError) throw refused(error.code, error.message);
    if (error instanceof ConnectionRefused)
      throw refused('SdkClientException', 'Unable to execute HTTP request');
    throw error;
  }
}

/** DescribeExecution of the ended child as the .sync:2 integration returns it: PascalCase, Input and Output as JSON. */
function describeChild(
  child: ChildExecution,
  ended: Awaited<ChildExecution['done']>,
): Record<string, unknown> {
  const parse = (text: string | undefined) => {
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  return {
    ExecutionArn: child.arn,
    Input: parse(child.input),
    InputDetails: { Included: true },
    Name: child.name,
    ...(ended.output === undefined ? {} : { Output: parse(ended.output), OutputDetails: { Included: true } }),
    RedriveCount: 0,
    RedriveStatus: 'NOT_REDRIVABLE',
    StartDate: child.startDate.getTime(),
    StateMachineArn: child.stateMachineArn,
    Status: ended.status,
    ...(ended.stopDate === undefined ? {} : { StopDate: ended.stopDate.getTime() }),
    ...(ended.error === undefined ? {} : { Error: ended.error }),
    ...(ended.cause === undefined ? {} : { Cause: ended.cause }),
  };
}

/** A Task's result over the state payload quota fails the state (States.DataLimitExceeded). */
function checkResultSize(state: string, output: string): void {
  if (Buffer.byteLength(output) > PAYLOAD_LIMIT_BYTES) {
    throw terminal(
      'States.DataLimitExceeded',
      `The state/task '${state}' returned a result with a size exceeding the maximum number of bytes service limit (${PAYLOAD_LIMIT_BYTES}).`,
    );
  }
}
