import { randomUUID } from 'node:crypto';
import { AwsError, ConnectionRefused } from '../protocol/errors.ts';
import type { ThreadRef } from './history.ts';
import {
  type ChildExecution,
  checkResultSize,
  containerOf,
  type InvocationRecorder,
  invocationRecorder,
  type LocalHandler,
  retryDelay,
  statesError,
  type TaskRunnerParts,
  terminal,
  unwrap,
} from './task-parts.ts';
import type { TaskSpec } from './world-definition.ts';

/**
 * A Task on `arn:aws:states:::states:startExecution.sync:2` as Step Functions runs it: StartExecution
 * of the child (an API round trip, through the world's faults for Step Functions), then a wait on
 * the child's end. History: TaskScheduled, TaskStarted, TaskSubmitted (the StartExecution
 * response), then TaskSucceeded with the child's DescribeExecution (Input and Output as JSON) or
 * TaskFailed with States.TaskFailed and that same description as the Cause (its Error and Cause
 * are the child's). A refused StartExecution fails the Task with `StepFunctions.<code>`.
 */
export function childTaskHandler(parts: TaskRunnerParts, state: string, spec: TaskSpec): LocalHandler {
  const container = containerOf(parts.world, state);
  const attempts = new Map<string, number[]>();
  return async (received) => {
    const { payload, invocationKey } = unwrap(state, spec, received);
    const thread: ThreadRef = invocationKey === undefined ? { container } : { invocationKey, container };
    const entryKey = invocationKey ?? `${state}|${JSON.stringify(payload)}`;
    const record = invocationRecorder(parts.clock, parts.history, thread);
    record(
      'TaskScheduled',
      {
        taskScheduledEventDetails: {
          ...INTEGRATION,
          region: parts.region,
          parameters: JSON.stringify(payload),
        },
      },
      true,
    );
    const child = await start(parts, state, spec, { record, attempts, entryKey }, payload);
    const ended = await child.done;
    // The interpreter takes the result on the next turn: time must not move before it has.
    const release = parts.clock.hold();
    setImmediate(release);
    attempts.delete(entryKey);
    return settle(state, record, describeChild(child, ended), ended.status);
  };
}

const INTEGRATION = { resourceType: 'states', resource: 'startExecution.sync:2' };

interface Entry {
  record: InvocationRecorder;
  attempts: Map<string, number[]>;
  entryKey: string;
}

/** StartExecution of the child: TaskStarted and TaskSubmitted, or TaskFailed and the Retry interval. */
async function start(
  parts: TaskRunnerParts,
  state: string,
  spec: TaskSpec,
  { record, attempts, entryKey }: Entry,
  payload: unknown,
): Promise<ChildExecution> {
  const parameters = (payload ?? {}) as ChildParameters;
  let child: ChildExecution;
  try {
    child = await startThroughGate(parts, parameters, state);
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught));
    record(
      'TaskFailed',
      { taskFailedEventDetails: { ...INTEGRATION, error: error.name, cause: error.message } },
      false,
    );
    const delayMs = retryDelay(parts, spec, attempts, entryKey, error);
    if (delayMs !== undefined) await parts.clock.sleep(delayMs);
    throw error;
  }
  record('TaskStarted', { taskStartedEventDetails: INTEGRATION }, true);
  const submitted = JSON.stringify({ ExecutionArn: child.arn, StartDate: child.startDate.getTime() });
  record(
    'TaskSubmitted',
    { taskSubmittedEventDetails: { ...INTEGRATION, output: submitted, outputDetails: { truncated: false } } },
    true,
  );
  return child;
}

/** The child's end as the Task's: TaskSucceeded with its description, or TaskFailed (States.TaskFailed). */
function settle(
  state: string,
  record: InvocationRecorder,
  description: Record<string, unknown>,
  status: string,
): Record<string, unknown> {
  if (status === 'SUCCEEDED') {
    const output = JSON.stringify(description);
    checkResultSize(state, output);
    record(
      'TaskSucceeded',
      { taskSucceededEventDetails: { ...INTEGRATION, output, outputDetails: { truncated: false } } },
      false,
    );
    return description;
  }
  const cause = JSON.stringify(description);
  record(
    'TaskFailed',
    { taskFailedEventDetails: { ...INTEGRATION, error: 'States.TaskFailed', cause } },
    false,
  );
  throw statesError('States.TaskFailed', cause);
}

type ChildParameters = { StateMachineArn?: unknown; Input?: unknown; Name?: unknown };

async function startThroughGate(
  parts: TaskRunnerParts,
  parameters: ChildParameters,
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
