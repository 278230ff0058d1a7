import {
  START_CHILD_RESOURCE,
  type StateDefinition,
  type StateMachineDefinition,
} from '../../statemachines/definition.ts';

/**
 * The definition the interpreter runs in the world, derived from the one registered. Everything
 * aws-local-stepfunctions would time with wall timers is taken out and run by the world in
 * simulated time instead:
 * - each Wait state becomes a Task state of the same name whose local handler waits on the
 *   world's clock (its history still says Wait);
 * - Task TimeoutSeconds and the execution's TimeoutSeconds are enforced by the world (the
 *   interpreter's own timeouts are set out of reach);
 * - Retry intervals are waited by the world before a failed attempt is handed back (the
 *   interpreter is told to retry at once).
 * Task states inside a Map also pass their state input along (the interpreter gives local
 * handlers no iteration index), so that the world can thread their history events per
 * iteration as Step Functions does.
 */
export interface WaitSpec {
  seconds?: number;
  secondsPath?: string;
  timestamp?: string;
  timestampPath?: string;
}

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface TaskSpec {
  resource: string;
  /** What the Task calls: a Lambda function, or Step Functions itself to run a child execution. */
  integration: 'lambda' | 'startExecution.sync:2';
  timeoutSeconds: number | undefined;
  timeoutSecondsPath: string | undefined;
  retry: Retrier[];
  /**
   * Inside a Map: the handler gets PAYLOAD_KEY and the world keeps RAW_INPUT_KEY, which ties the
   * invocation to the interpreter's StateEntered event of the same input (and its iteration).
   */
  wrapped: boolean;
}

/** Where a state runs: the root, a Map's iterations, or one branch of a Parallel. */
export interface Container {
  id: string;
  /** The Map iterations' container needs each event's iteration index. */
  kind: 'root' | 'map' | 'branch';
  /** The container of the Map or Parallel state itself. */
  parent: string | undefined;
}

export interface WorldDefinition {
  definition: StateMachineDefinition;
  waits: Record<string, WaitSpec>;
  tasks: Record<string, TaskSpec>;
  /** The execution's own TimeoutSeconds, enforced in simulated time. */
  timeoutSeconds: number | undefined;
  /** Zero wait for every retrier: the world waits the real interval before the retry. */
  retryIntervalOverrides: Record<string, number[]>;
  containerOf: Record<string, Container>;
  containers: Record<string, Container>;
}

/** A Lambda ARN for the rewritten Wait states: the interpreter validates Task resources as ARNs. */
const WAIT_RESOURCE = 'arn:aws:lambda:us-east-1:000000000000:function:drctl-world-wait';
/** Out of reach of any run (23 days, within the 32-bit range of Node timers): the interpreter's own wall-time timeouts never fire. */
const UNREACHABLE_TIMEOUT_SECONDS = 2_000_000;
export const PAYLOAD_KEY = 'drctlWorldPayload';
/** The Task's effective input, which the interpreter's StateEntered event (with the index) also carries. */
export const RAW_INPUT_KEY = 'drctlWorldInput';

export function worldDefinition(registered: StateMachineDefinition): WorldDefinition {
  const out: WorldDefinition = {
    definition: structuredClone(registered),
    waits: {},
    tasks: {},
    timeoutSeconds: typeof registered.TimeoutSeconds === 'number' ? registered.TimeoutSeconds : undefined,
    retryIntervalOverrides: {},
    containerOf: {},
    containers: { root: { id: 'root', kind: 'root', parent: undefined } },
  };
  delete out.definition.TimeoutSeconds;
  rewrite(out.definition, out, out.containers.root as Container);
  return out;
}

function rewrite(machine: StateMachineDefinition, out: WorldDefinition, container: Container): void {
  for (const [name, state] of Object.entries(machine.States)) {
    out.containerOf[name] = container;
    if (state.Type === 'Wait') machine.States[name] = waitAsTask(name, state, out);
    else if (state.Type === 'Task') rewriteTask(name, state, out, container);
    if (Array.isArray(state.Retry) && state.Retry.length > 0) {
      out.retryIntervalOverrides[name] = state.Retry.map(() => 0);
    }
    state.Branches?.forEach((branch, index) => {
      const id = `branch:${name}:${index}`;
      out.containers[id] = { id, kind: 'branch', parent: container.id };
      rewrite(branch, out, out.containers[id] as Container);
    });
    const processor = state.ItemProcessor ?? (state.Iterator as StateMachineDefinition | undefined);
    if (processor) {
      const id = `map:${name}`;
      out.containers[id] = { id, kind: 'map', parent: container.id };
      rewrite(processor, out, out.containers[id] as Container);
    }
  }
}

function waitAsTask(name: string, state: StateDefinition, out: WorldDefinition): StateDefinition {
  out.waits[name] = {
    ...(typeof state.Seconds === 'number' ? { seconds: state.Seconds } : {}),
    ...(typeof state.SecondsPath === 'string' ? { secondsPath: state.SecondsPath } : {}),
    ...(typeof state.Timestamp === 'string' ? { timestamp: state.Timestamp } : {}),
    ...(typeof state.TimestampPath === 'string' ? { timestampPath: state.TimestampPath } : {}),
  };
  const task: StateDefinition = {
    Type: 'Task',
    Resource: WAIT_RESOURCE,
    TimeoutSeconds: UNREACHABLE_TIMEOUT_SECONDS,
  };
  for (const field of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End'] as const) {
    if (state[field] !== undefined) (task as Record<string, unknown>)[field] = state[field];
  }
  return task;
}

function rewriteTask(name: string, state: StateDefinition, out: WorldDefinition, container: Container): void {
  const wrapped = container.kind === 'map';
  const resource = String(state.Resource ?? '');
  out.tasks[name] = {
    resource,
    integration: resource === START_CHILD_RESOURCE ? 'startExecution.sync:2' : 'lambda',
    timeoutSeconds: typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined,
    timeoutSecondsPath: typeof state.TimeoutSecondsPath === 'string' ? state.TimeoutSecondsPath : undefined,
    retry: (state.Retry as Retrier[] | undefined) ?? [],
    wrapped,
  };
  state.TimeoutSeconds = UNREACHABLE_TIMEOUT_SECONDS;
  delete state.TimeoutSecondsPath;
  if (wrapped) {
    const payload =
      state.Parameters === undefined ? { [`${PAYLOAD_KEY}.$`]: '$' } : { [PAYLOAD_KEY]: state.Parameters };
    state.Parameters = { ...payload, [`${RAW_INPUT_KEY}.$`]: '$' };
  }
}
