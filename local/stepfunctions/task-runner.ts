import { randomUUID } from 'node:crypto';
import type { SimClock } from '../clock.ts';
import { AwsError, ConnectionRefused } from '../protocol/errors.ts';
import { childTaskHandler } from './child-task.ts';
import type { ThreadRef } from './history.ts';
import { readReferencePath } from './json-path.ts';
import {
  checkResultSize,
  containerOf,
  invocationRecorder,
  type LocalHandler,
  retryDelay,
  statesError,
  type TaskRunnerParts,
  terminal,
  unwrap,
} from './task-parts.ts';
import type { TaskSpec, WaitSpec } from './world-definition.ts';

/**
 * The local handlers of one execution's states: Task states invoke the real Lambda handlers as
 * Step Functions invokes Lambda (invoke faults, TimeoutSeconds, the payload limit, the
 * LambdaFunction* history events, the Retry interval), rewritten Wait states wait on the world's
 * clock, startExecution.sync:2 Tasks run a child execution (child-task.ts). Everything here runs
 * in simulated time.
 */
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
  const { clock, history } = parts;
  const container = containerOf(parts.world, state);
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
    const record = invocationRecorder(clock, history, thread);
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
