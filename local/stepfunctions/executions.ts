import type { StateMachine } from 'aws-local-stepfunctions';
import type { StateMachineDefinition } from '../../statemachines/definition.ts';
import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';
import type { RequestContext } from '../protocol/server.ts';
import { ExecutionHistory, type HistoryEvent, type ThreadRef } from './history.ts';
import type { Invoke } from './lambda-functions.ts';
import { invocationKeyOf, PAYLOAD_LIMIT_BYTES } from './task-parts.ts';
import { localHandlers } from './task-runner.ts';
import { validatedInterpreter } from './validated-definitions.ts';
import { type Container, type WorldDefinition, worldDefinition } from './world-definition.ts';

export type { HistoryEvent } from './history.ts';

/**
 * Step Functions (standard workflows) in the world: executions run by aws-local-stepfunctions
 * with the real handlers in process, in simulated time (see world-definition.ts and
 * task-runner.ts), in the region of their state machine. History events are kept in AWS's shape
 * and every state entered/exited also goes to the world's event log. The world bounds what it
 * keeps as AWS does: 256 KiB inputs and outputs, 25,000 history events per execution, closed
 * executions for 90 days (and, a limit of the world, at most MAX_CLOSED_EXECUTIONS of them).
 */
/** aws-local-stepfunctions' event log entries (its type is not exported). */
type AslEventLog = Awaited<ReturnType<ReturnType<StateMachine['run']>['eventLogs']['next']>>['value'] & {
  type: string;
  timestamp: number;
};

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface Execution {
  arn: string;
  name: string;
  stateMachineArn: string;
  region: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate: Date | undefined;
  output: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  /** The history, numbered and threaded as Step Functions returns it. */
  readonly history: HistoryEvent[];
  /** Resolves when the execution has ended. */
  done: Promise<Execution>;
  abort: () => void;
  /**
   * The execution whose startExecution.sync:2 Task started this one (a world field: AWS's
   * DescribeExecution does not show it), and the Task state that did.
   */
  parent: { arn: string; rootArn: string; taskState: string } | undefined;
}

export interface RegisteredStateMachine {
  arn: string;
  name: string;
  definition: StateMachineDefinition;
  roleArn: string;
  createdAt: Date;
  /** Task state name → function (a key of the world's functions: the failover's and the drill's). */
  tasks: Record<string, string>;
}

/** A definition prepared for the world: its interpreter (validating is slow: do it once) and timing. */
export interface PreparedDefinition {
  interpreter: StateMachine;
  world: WorldDefinition;
}

interface LoadedStateMachine extends RegisteredStateMachine {
  region: string;
  prepared: PreparedDefinition;
}

/** Step Functions quotas (Step Functions developer guide, "Step Functions service quotas"). */
export const LIMITS = {
  /** Execution history: events per execution. */
  historyEvents: 25_000,
  /** Closed standard-workflow executions are kept (and their names reserved) for 90 days. */
  closedRetentionMs: 90 * 86_400_000,
  /** Execution input and output, state input and output: 256 KiB of UTF-8. */
  payloadBytes: PAYLOAD_LIMIT_BYTES,
};
/** Limits of the world (memory), stricter than AWS: documented in docs/local-world.md. */
export const MAX_OPEN_EXECUTIONS = 1_000;
const OUTPUT_TOO_LARGE = `The state machine returned an output with a size exceeding the maximum number of bytes service limit (${PAYLOAD_LIMIT_BYTES}).`;
export const MAX_CLOSED_EXECUTIONS = 1_000;

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:stateMachine:[^:]+$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:execution:[^:]+:[^:]+$/;

/** Validates the definition and prepares its interpreter (slow the first time: do it before the clock runs). */
export function interpreterFor(definition: StateMachineDefinition): PreparedDefinition {
  const prepared = worldDefinition(definition);
  const { definition: validated, interpreter } = validatedInterpreter(prepared.definition);
  return { interpreter, world: { ...prepared, definition: validated } };
}

export class StepFunctionsModel {
  readonly stateMachines = new Map<string, LoadedStateMachine>();
  readonly executions = new Map<string, Execution>();
  /** The world's faults for Lambda Invoke; filled in by the world. */
  invokeGate: (call: RequestContext) => Promise<void> = async () => {};
  /**
   * Called once per execution when it ends (SUCCEEDED, FAILED, TIMED_OUT, ABORTED): where the
   * world emits Step Functions' "Execution Status Change" event to EventBridge.
   */
  onExecutionEnded: (execution: Execution) => void = () => {};
  private readonly context: WorldContext;
  private readonly functions: () => Record<string, Invoke>;

  constructor(context: WorldContext, functions: () => Record<string, Invoke>) {
    this.context = context;
    this.functions = functions;
  }

  register(machine: RegisteredStateMachine, prepared = interpreterFor(machine.definition)): void {
    const region = STATE_MACHINE_ARN.exec(machine.arn)?.[1];
    if (!region) throw new Error(`not a state machine ARN: ${machine.arn}`);
    this.stateMachines.set(machine.arn, { ...machine, region, prepared });
  }

  /** The state machine, as a caller in `region` sees it (state machines are regional). */
  machine(arn: string, region?: string): LoadedStateMachine {
    const arnRegion = STATE_MACHINE_ARN.exec(arn)?.[1];
    if (arnRegion === undefined) {
      throw new AwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    }
    const machine = this.stateMachines.get(arn);
    if (!machine || (region !== undefined && region !== arnRegion)) {
      throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    }
    return machine;
  }

  machinesIn(region: string): LoadedStateMachine[] {
    return [...this.stateMachines.values()].filter((machine) => machine.region === region);
  }

  execution(arn: string, region?: string): Execution {
    const arnRegion = EXECUTION_ARN.exec(arn)?.[1];
    if (arnRegion === undefined) {
      throw new AwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    }
    this.evictExpired();
    const execution = this.executions.get(arn);
    if (!execution || (region !== undefined && region !== arnRegion)) {
      throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    }
    return execution;
  }

  /**
   * StartExecution. A name already used by this state machine returns the same execution when
   * it is still running with the same input; otherwise ExecutionAlreadyExists (AWS, standard
   * workflows: names are unique for 90 days).
   */
  start(
    stateMachineArn: string,
    name: string | undefined,
    input: string | undefined,
    region?: string,
    parent?: Execution['parent'],
  ): { execution: Execution; created: boolean } {
    const machine = this.machine(stateMachineArn, region);
    const executionName = name ?? crypto.randomUUID();
    if (!isValidExecutionName(executionName)) {
      throw new AwsError('InvalidName', `Invalid Name: '${executionName}'`);
    }
    const inputText = input ?? '{}';
    if (Buffer.byteLength(inputText) > LIMITS.payloadBytes) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${LIMITS.payloadBytes}`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputText);
    } catch {
      throw new AwsError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${inputText.slice(0, 200)}'`,
      );
    }
    this.evictExpired();
    const arn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText)
        return { execution: existing, created: false };
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const open = [...this.executions.values()].filter((e) => e.status === 'RUNNING').length;
    if (open >= MAX_OPEN_EXECUTIONS) {
      throw new AwsError(
        'ExecutionLimitExceeded',
        `The local world runs at most ${MAX_OPEN_EXECUTIONS} open executions at a time.`,
      );
    }
    const execution = this.run(machine, arn, executionName, inputText, parsed, parent);
    return { execution, created: true };
  }

  stop(arn: string, error: string | undefined, cause: string | undefined, region?: string): Date {
    const execution = this.execution(arn, region);
    if (execution.status === 'RUNNING') {
      execution.status = 'ABORTED';
      execution.error = error;
      execution.cause = cause;
      execution.stopDate = new Date(this.context.clock.now());
      execution.abort();
    }
    return execution.stopDate ?? new Date(this.context.clock.now());
  }

  /** Closed executions past their retention, then the oldest beyond the world's cap, are forgotten. */
  private evictExpired(): void {
    const now = this.context.clock.now();
    const closed: Execution[] = [];
    for (const execution of this.executions.values()) {
      if (execution.status === 'RUNNING' || !execution.stopDate) continue;
      if (now - execution.stopDate.getTime() > LIMITS.closedRetentionMs)
        this.executions.delete(execution.arn);
      else closed.push(execution);
    }
    if (closed.length <= MAX_CLOSED_EXECUTIONS) return;
    closed.sort((a, b) => (a.stopDate?.getTime() ?? 0) - (b.stopDate?.getTime() ?? 0));
    for (const execution of closed.slice(0, closed.length - MAX_CLOSED_EXECUTIONS)) {
      this.executions.delete(execution.arn);
    }
  }

  private run(
    machine: LoadedStateMachine,
    arn: string,
    name: string,
    inputText: string,
    input: unknown,
    parent: Execution['parent'],
  ): Execution {
    const { events, clock, scheduler, random } = this.context;
    const { world, interpreter } = machine.prepared;
    const history = new ExecutionHistory(world.containers);
    const children = new ChildExecutions(this, world, arn, parent?.rootArn ?? arn, machine.region);
    const handlers = localHandlers({
      clock,
      random,
      region: machine.region,
      history,
      world,
      functions: this.functions(),
      tasks: machine.tasks,
      invokeGate: (call) => this.invokeGate(call),
      refusedInvokeMs: this.context.timings.apiCallMs,
      startChild: (childMachineArn, childInput, taskState) =>
        children.start(childMachineArn, childInput, taskState),
    });
    const startedAt = clock.now();
    const running = interpreter.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        retryIntervalOverrides: world.retryIntervalOverrides,
      },
      context: {
        Execution: { Id: arn, Name: name, RoleArn: machine.roleArn },
        StateMachine: { Id: machine.arn, Name: machine.name },
      } as never,
      noThrowOnAbort: true,
    });
    const execution: Execution = {
      arn,
      name,
      stateMachineArn: machine.arn,
      region: machine.region,
      input: inputText,
      status: 'RUNNING',
      startDate: new Date(startedAt),
      stopDate: undefined,
      output: undefined,
      error: undefined,
      cause: undefined,
      get history() {
        return history.events();
      },
      done: Promise.resolve(undefined as never),
      abort: () => running.abort(),
      parent,
    };
    this.executions.set(arn, execution);
    // A child's start and end are world events of their own: whoever follows "the execution"
    // (the run's tracker, the benches) follows the one started by StartExecution.
    const lifecycle = parent === undefined ? 'execution' : 'child-execution';
    events.record(`${lifecycle}.started`, startedAt, `execution ${name} started`, {
      executionArn: arn,
      name,
      input: inputText,
      ...(parent === undefined ? {} : { parentExecutionArn: parent.arn, taskState: parent.taskState }),
    });
    const end = (status: ExecutionStatus, error?: string, cause?: string) => {
      if (execution.status !== 'RUNNING') return false;
      execution.status = status;
      execution.error = error;
      execution.cause = cause;
      execution.stopDate = new Date(clock.now());
      return true;
    };
    // The execution's TimeoutSeconds, in simulated time.
    const cancelTimeout =
      world.timeoutSeconds === undefined
        ? () => {}
        : scheduler.after(world.timeoutSeconds * 1000, (at) => {
            if (!end('TIMED_OUT', 'States.Timeout')) return;
            history.add('ExecutionTimedOut', at, { executionTimedOutEventDetails: {} }, root(world));
            running.abort();
          });
    const historyDone = this.consume(execution, history, world, running.eventLogs, children, (reason) => {
      if (end('FAILED', 'States.Runtime', reason)) running.abort();
    });
    execution.done = running.result
      .then(
        (output) => {
          const text = JSON.stringify(output ?? null);
          if (Buffer.byteLength(text) > LIMITS.payloadBytes) {
            end('FAILED', 'States.DataLimitExceeded', OUTPUT_TOO_LARGE);
          } else if (end('SUCCEEDED')) execution.output = text;
        },
        (error: unknown) => {
          const failure = error as { name?: string; cause?: { name?: string; message?: string } };
          if (failure.name === 'ExecutionTimeoutError') end('TIMED_OUT', 'States.Timeout');
          else
            end(
              'FAILED',
              failure.cause?.name ?? failure.name ?? 'Error',
              failure.cause?.message ?? String(error),
            );
        },
      )
      .then(() => historyDone)
      .then(() => {
        cancelTimeout();
        const stoppedAt = execution.stopDate?.getTime() ?? clock.now();
        execution.stopDate ??= new Date(stoppedAt);
        // Step Functions stops what a closed execution's Tasks still manage.
        children.stopAll();
        events.record(`${lifecycle}.ended`, stoppedAt, `execution ${name} ${execution.status}`, {
          executionArn: arn,
          name,
          status: execution.status,
          error: execution.error,
          cause: execution.cause,
          ...(parent === undefined ? {} : { parentExecutionArn: parent.arn }),
        });
        this.onExecutionEnded(execution);
        return execution;
      });
    return execution;
  }

  /** Turns the interpreter's log into history events and world events, until the run ends. */
  private async consume(
    execution: Execution,
    history: ExecutionHistory,
    world: WorldDefinition,
    logs: AsyncGenerator<AslEventLog>,
    children: ChildExecutions,
    failRuntime: (reason: string) => void,
  ): Promise<void> {
    const { events } = this.context;
    // The world's state events of a child carry the run's root execution (and the child's own).
    const eventArns =
      execution.parent === undefined
        ? { executionArn: execution.arn }
        : { executionArn: execution.parent.rootArn, childExecutionArn: execution.arn };
    for await (const log of logs) {
      if (history.length >= LIMITS.historyEvents && !log.type.startsWith('Execution')) {
        failRuntime(`The execution reached the maximum number of history events (${LIMITS.historyEvents}).`);
        continue;
      }
      const at = log.timestamp;
      const stateName: string | undefined = (log as { state?: { name?: string } }).state?.name;
      const index = (log as { index?: number }).index;
      const thread: ThreadRef =
        stateName === undefined
          ? root(world)
          : {
              container: world.containerOf[stateName] ?? root(world).container,
              ...(index === undefined ? {} : { index }),
            };
      const add = (type: string, details: Record<string, unknown> = {}) =>
        history.add(type, at, details, thread);
      const stateType = stateName !== undefined && world.waits[stateName] ? 'Wait' : log.state?.type;
      const detail = { ...eventArns, state: stateName, stateType, index };
      switch (log.type) {
        case 'ExecutionStarted':
          add('ExecutionStarted', {
            executionStartedEventDetails: {
              input: execution.input,
              inputDetails: { truncated: false },
              roleArn: this.machine(execution.stateMachineArn).roleArn,
            },
          });
          break;
        case 'ExecutionSucceeded': {
          const output = JSON.stringify(log.output ?? null);
          if (Buffer.byteLength(output) > LIMITS.payloadBytes) {
            add('ExecutionFailed', {
              executionFailedEventDetails: { error: 'States.DataLimitExceeded', cause: OUTPUT_TOO_LARGE },
            });
          } else if (execution.status === 'RUNNING' || execution.status === 'SUCCEEDED') {
            add('ExecutionSucceeded', {
              executionSucceededEventDetails: { output, outputDetails: { truncated: false } },
            });
          }
          break;
        }
        case 'ExecutionFailed':
          add('ExecutionFailed', {
            executionFailedEventDetails: { error: log.Error, cause: String(log.Cause ?? '') },
          });
          break;
        case 'ExecutionAborted':
          if (execution.status === 'ABORTED') add('ExecutionAborted', { executionAbortedEventDetails: {} });
          else if (execution.status === 'FAILED')
            add('ExecutionFailed', {
              executionFailedEventDetails: { error: execution.error, cause: execution.cause },
            });
          break;
        case 'StateEntered': {
          if (
            stateType === 'Task' &&
            index !== undefined &&
            stateName !== undefined &&
            world.tasks[stateName]?.wrapped
          )
            history.learnIteration(invocationKeyOf(stateName, log.state.input), index);
          add(`${stateType}StateEntered`, {
            stateEnteredEventDetails: { name: stateName, input: JSON.stringify(log.state.input ?? null) },
          });
          events.record('state.entered', at, `${execution.name}: ${stateName} entered`, detail);
          break;
        }
        case 'StateExited':
          add(`${stateType}StateExited`, {
            stateExitedEventDetails: { name: stateName, output: JSON.stringify(log.state.output ?? null) },
          });
          events.record('state.exited', at, `${execution.name}: ${stateName} exited`, detail);
          break;
        case 'StateFailed':
          if (stateName !== undefined) children.stopWithin(stateName);
          events.record('state.failed', at, `${execution.name}: ${stateName} failed: ${log.Error}`, {
            ...detail,
            error: log.Error,
            cause: log.Cause,
          });
          break;
        case 'StateRetried':
          events.record('state.retried', at, `${execution.name}: ${stateName} retried`, {
            ...detail,
            retry: log.retry,
          });
          break;
        case 'StateCaught':
          if (stateName !== undefined) children.stopWithin(stateName);
          events.record('state.caught', at, `${execution.name}: ${stateName} caught an error`, {
            ...detail,
            catch: log.catch,
          });
          break;
        case 'MapIterationStarted':
        case 'MapIterationSucceeded':
        case 'MapIterationFailed': {
          const map = log.parentState.name;
          const iteration = world.containers[`map:${map}`];
          const detailsKey = `${log.type.charAt(0).toLowerCase()}${log.type.slice(1)}EventDetails`;
          history.add(
            log.type,
            at,
            { [detailsKey]: { name: map, index: log.index } },
            iteration ? { container: iteration, index: log.index } : thread,
          );
          break;
        }
        default:
          break;
      }
    }
  }
}

/**
 * The child executions one execution's startExecution.sync:2 Tasks started. Step Functions stops
 * a child whose Task no longer runs: when the parent closes, and when a Map or Parallel around
 * the Task fails (its other iterations and branches are cancelled).
 */
class ChildExecutions {
  private readonly running = new Map<Execution, string>();

  constructor(
    private readonly model: StepFunctionsModel,
    private readonly world: WorldDefinition,
    private readonly parentArn: string,
    private readonly rootArn: string,
    private readonly region: string,
  ) {}

  start(stateMachineArn: string, input: string, taskState: string): Execution {
    const { execution } = this.model.start(stateMachineArn, undefined, input, this.region, {
      arn: this.parentArn,
      rootArn: this.rootArn,
      taskState,
    });
    this.running.set(execution, taskState);
    void execution.done.then(() => this.running.delete(execution));
    return execution;
  }

  /** The Map or Parallel `state` failed: stop the children of the Tasks inside it. */
  stopWithin(state: string): void {
    const inside = [`map:${state}`, `branch:${state}:`];
    for (const [execution, taskState] of this.running) {
      let container: Container | undefined = this.world.containerOf[taskState];
      while (container !== undefined) {
        const id = container.id;
        if (inside.some((prefix) => (prefix.endsWith(':') ? id.startsWith(prefix) : id === prefix))) {
          this.stop(execution);
          break;
        }
        container = container.parent === undefined ? undefined : this.world.containers[container.parent];
      }
    }
  }

  stopAll(): void {
    for (const execution of this.running.keys()) this.stop(execution);
  }

  private stop(execution: Execution): void {
    if (execution.status !== 'RUNNING') return;
    this.model.stop(
      execution.arn,
      undefined,
      `The Task state in AWS Step Functions execution [${this.parentArn}] which was managing this resource was aborted`,
    );
  }
}

function root(world: WorldDefinition): { container: Container } {
  return { container: world.containers.root as Container };
}

/** AWS: 1-80 characters, no whitespace, brackets, wildcards, special characters or control characters. */
function isValidExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80) return false;
  if (/[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(name)) return false;
  return [...name].every((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });
}
