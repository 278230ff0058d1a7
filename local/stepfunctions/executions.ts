import { StateMachine } from 'aws-local-stepfunctions';
import type { FunctionKey, StateMachineDefinition } from '../../statemachines/definition.ts';
import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';
import type { Invoke } from './lambda-functions.ts';
import type { RunOverrides } from './overrides.ts';

/**
 * Step Functions executions run by aws-local-stepfunctions with the real handlers in process.
 * History events are kept in AWS's shape (type, id, previousEventId, timestamp, details) and
 * every state entered/exited also goes to the world's event log.
 */
/** aws-local-stepfunctions' event log entries (its type is not exported). */
type AslEventLog = Awaited<ReturnType<ReturnType<StateMachine['run']>['eventLogs']['next']>>['value'] & {
  type: string;
  timestamp: number;
};

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

export interface Execution {
  arn: string;
  name: string;
  stateMachineArn: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate: Date | undefined;
  output: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  history: HistoryEvent[];
  /** Resolves when the execution has ended. */
  done: Promise<Execution>;
  abort: () => void;
}

export interface RegisteredStateMachine {
  arn: string;
  name: string;
  definition: StateMachineDefinition;
  roleArn: string;
  createdAt: Date;
  /** Task state name → function. */
  tasks: Record<string, FunctionKey>;
  overrides: RunOverrides;
}

/** A registered machine with its interpreter (validating the definition is slow: do it once). */
interface LoadedStateMachine extends RegisteredStateMachine {
  interpreter: StateMachine;
}

/** Validates the definition and prepares its interpreter (slow: do it before the clock runs). */
export function interpreterFor(definition: StateMachineDefinition): StateMachine {
  return new StateMachine(definition as never, { validationOptions: { checkPaths: true } });
}

export class StepFunctionsModel {
  readonly stateMachines = new Map<string, LoadedStateMachine>();
  readonly executions = new Map<string, Execution>();
  private readonly context: WorldContext;
  private readonly functions: () => Record<FunctionKey, Invoke>;

  constructor(context: WorldContext, functions: () => Record<FunctionKey, Invoke>) {
    this.context = context;
    this.functions = functions;
  }

  register(machine: RegisteredStateMachine, interpreter = interpreterFor(machine.definition)): void {
    this.stateMachines.set(machine.arn, { ...machine, interpreter });
  }

  machine(arn: string): LoadedStateMachine {
    if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/.test(arn)) {
      throw new AwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    }
    const machine = this.stateMachines.get(arn);
    if (!machine) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  execution(arn: string): Execution {
    if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) {
      throw new AwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    }
    const execution = this.executions.get(arn);
    if (!execution) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
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
  ): { execution: Execution; created: boolean } {
    const machine = this.machine(stateMachineArn);
    const executionName = name ?? crypto.randomUUID();
    if (!isValidExecutionName(executionName)) {
      throw new AwsError('InvalidName', `Invalid Name: '${executionName}'`);
    }
    const inputText = input ?? '{}';
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputText);
    } catch {
      throw new AwsError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${inputText}'`);
    }
    const arn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText)
        return { execution: existing, created: false };
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution = this.run(machine, arn, executionName, inputText, parsed);
    return { execution, created: true };
  }

  private run(
    machine: LoadedStateMachine,
    arn: string,
    name: string,
    inputText: string,
    input: unknown,
  ): Execution {
    const { events, clock } = this.context;
    const functions = this.functions();
    const localHandlers = Object.fromEntries(
      Object.entries(machine.tasks).map(([stateName, key]) => [
        stateName,
        (payload: unknown) => functions[key](payload),
      ]),
    );
    const startedAt = clock.now();
    const running = machine.interpreter.run(input as never, {
      overrides: { taskResourceLocalHandlers: localHandlers as never, ...machine.overrides },
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
      input: inputText,
      status: 'RUNNING',
      startDate: new Date(startedAt),
      stopDate: undefined,
      output: undefined,
      error: undefined,
      cause: undefined,
      history: [],
      done: Promise.resolve(undefined as never),
      abort: () => running.abort(),
    };
    this.executions.set(arn, execution);
    events.record('execution.started', startedAt, `execution ${name} started`, {
      executionArn: arn,
      name,
      input: inputText,
    });

    const historyDone = this.consume(execution, running.eventLogs);
    execution.done = running.result
      .then(
        (output) => {
          if (execution.status !== 'RUNNING') return;
          execution.status = 'SUCCEEDED';
          execution.output = JSON.stringify(output);
        },
        (error: unknown) => {
          if (execution.status !== 'RUNNING') return;
          const failure = error as { name?: string; cause?: { name?: string; message?: string } };
          if (failure.name === 'ExecutionTimeoutError') {
            execution.status = 'TIMED_OUT';
            execution.error = 'States.Timeout';
          } else {
            execution.status = 'FAILED';
            execution.error = failure.cause?.name ?? failure.name ?? 'Error';
            execution.cause = failure.cause?.message ?? String(error);
          }
        },
      )
      .then(() => historyDone)
      .then(() => {
        const stoppedAt = clock.now();
        execution.stopDate ??= new Date(stoppedAt);
        events.record('execution.ended', stoppedAt, `execution ${name} ${execution.status}`, {
          executionArn: arn,
          name,
          status: execution.status,
          error: execution.error,
          cause: execution.cause,
        });
        return execution;
      });
    return execution;
  }

  stop(arn: string, error: string | undefined, cause: string | undefined): Date {
    const execution = this.execution(arn);
    if (execution.status === 'RUNNING') {
      execution.status = 'ABORTED';
      execution.error = error;
      execution.cause = cause;
      execution.stopDate = new Date(this.context.clock.now());
      execution.abort();
    }
    return execution.stopDate ?? new Date(this.context.clock.now());
  }

  private async consume(execution: Execution, logs: AsyncGenerator<AslEventLog>): Promise<void> {
    const { events } = this.context;
    for await (const log of logs) {
      const at = log.timestamp;
      const add = (type: string, details: Record<string, unknown> = {}) => {
        const previous = execution.history.at(-1);
        execution.history.push({
          id: execution.history.length + 1,
          previousEventId: previous?.id ?? 0,
          timestamp: new Date(at),
          type,
          ...details,
        });
      };
      switch (log.type) {
        case 'ExecutionStarted':
          add('ExecutionStarted', {
            executionStartedEventDetails: {
              input: execution.input,
              inputDetails: { truncated: false },
              roleArn: '',
            },
          });
          break;
        case 'ExecutionSucceeded':
          add('ExecutionSucceeded', {
            executionSucceededEventDetails: {
              output: JSON.stringify(log.output),
              outputDetails: { truncated: false },
            },
          });
          execution.stopDate = new Date(at);
          break;
        case 'ExecutionFailed':
          add('ExecutionFailed', {
            executionFailedEventDetails: { error: log.Error, cause: String(log.Cause ?? '') },
          });
          execution.stopDate = new Date(at);
          break;
        case 'ExecutionAborted':
          add('ExecutionAborted', { executionAbortedEventDetails: {} });
          break;
        case 'ExecutionTimeout':
          add('ExecutionTimedOut', { executionTimedOutEventDetails: {} });
          break;
        case 'StateEntered':
          add(`${log.state.type}StateEntered`, {
            stateEnteredEventDetails: { name: log.state.name, input: JSON.stringify(log.state.input) },
          });
          events.record('state.entered', at, `${execution.name}: ${log.state.name} entered`, {
            executionArn: execution.arn,
            state: log.state.name,
            stateType: log.state.type,
            index: log.index,
          });
          break;
        case 'StateExited':
          add(`${log.state.type}StateExited`, {
            stateExitedEventDetails: {
              name: log.state.name,
              output: JSON.stringify(log.state.output ?? null),
            },
          });
          events.record('state.exited', at, `${execution.name}: ${log.state.name} exited`, {
            executionArn: execution.arn,
            state: log.state.name,
            stateType: log.state.type,
            index: log.index,
          });
          break;
        case 'StateFailed':
          if (log.state.type === 'Task') {
            add('TaskFailed', {
              taskFailedEventDetails: {
                resourceType: 'lambda',
                resource: 'invoke',
                error: log.Error,
                cause: String(log.Cause ?? ''),
              },
            });
          }
          events.record('state.failed', at, `${execution.name}: ${log.state.name} failed: ${log.Error}`, {
            executionArn: execution.arn,
            state: log.state.name,
            error: log.Error,
            cause: log.Cause,
            index: log.index,
          });
          break;
        case 'StateRetried':
          events.record('state.retried', at, `${execution.name}: ${log.state.name} retried`, {
            executionArn: execution.arn,
            state: log.state.name,
            retry: log.retry,
            index: log.index,
          });
          break;
        case 'StateCaught':
          events.record('state.caught', at, `${execution.name}: ${log.state.name} caught an error`, {
            executionArn: execution.arn,
            state: log.state.name,
            catch: log.catch,
            index: log.index,
          });
          break;
        case 'MapIterationStarted':
        case 'MapIterationSucceeded':
        case 'MapIterationFailed':
          add(log.type, {
            mapIterationStartedEventDetails: { name: log.parentState.name, index: log.index },
          });
          break;
        default:
          break;
      }
    }
  }
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
