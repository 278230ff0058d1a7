import type { SimClock } from '../clock.ts';
import type { RequestContext } from '../protocol/server.ts';
import type { Random } from '../rng.ts';
import type { ExecutionHistory, ThreadRef } from './history.ts';
import type { Invoke } from './lambda-functions.ts';
import { decideRetry, isRetryable } from './retry.ts';
import { PAYLOAD_KEY, RAW_INPUT_KEY, type TaskSpec, type WorldDefinition } from './world-definition.ts';

// What the handlers of an execution's Task states share: task-runner.ts (Lambda tasks and Waits)
// and child-task.ts (startExecution.sync:2 tasks).

/** What an execution gives the handlers of its states (task-runner.ts localHandlers). */
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

export type LocalHandler = (input: unknown) => Promise<unknown>;

/** Step Functions' limit on a state's input or output: 256 KiB of UTF-8 (Step Functions quotas). */
export const PAYLOAD_LIMIT_BYTES = 262_144;

/** Stamps one invocation's history events, in its thread of the execution. */
export type InvocationRecorder = (type: string, details: Record<string, unknown>, start: boolean) => void;

/**
 * An invocation's end sorts before the interpreter's events of its millisecond, its start after
 * them: so an end is never stamped at the millisecond its invocation started.
 */
export function invocationRecorder(
  clock: SimClock,
  history: ExecutionHistory,
  thread: ThreadRef,
): InvocationRecorder {
  let startedAt = clock.now();
  return (type, details, start) => {
    const at = start ? clock.now() : Math.max(clock.now(), startedAt + 1);
    if (start) startedAt = at;
    history.add(type, at, details, thread, start ? 'invocation-start' : 'invocation-end');
  };
}

/** The container (root, a Parallel branch, a Map iteration) a state's events belong to. */
export function containerOf(world: WorldDefinition, state: string) {
  return world.containerOf[state] ?? (world.containers.root as NonNullable<typeof world.containers.root>);
}

/** The handler's payload and, inside a Map, the key that ties its events to its iteration. */
export function unwrap(
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

/** When the interpreter will retry this failure: the retrier's interval, to wait in simulated time. */
export function retryDelay(
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

export function statesError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Errors Step Functions neither retries nor lets States.ALL catch (States.DataLimitExceeded, States.Runtime). */
export function terminal(name: string, message: string): Error {
  return Object.assign(statesError(name, message), { isRetryable: false, isCatchable: false });
}

/** A Task's result over the state payload quota fails the state (States.DataLimitExceeded). */
export function checkResultSize(state: string, output: string): void {
  if (Buffer.byteLength(output) > PAYLOAD_LIMIT_BYTES) {
    throw terminal(
      'States.DataLimitExceeded',
      `The state/task '${state}' returned a result with a size exceeding the maximum number of bytes service limit (${PAYLOAD_LIMIT_BYTES}).`,
    );
  }
}
