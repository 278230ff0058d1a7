import { validatedInterpreter } from '../../../../local/stepfunctions/validated-definitions.ts';
import {
  allStates,
  START_CHILD_RESOURCE,
  type StateMachineDefinition,
} from '../../../../statemachines/definition.ts';

type LocalHandler = (input: never) => Promise<never>;

/**
 * Handlers for a parent's startExecution.sync:2 Tasks that run the child definition in process
 * (aws-local-stepfunctions has no nested executions): its Tasks answered by the same handlers, its
 * Waits and retry intervals cut to zero. A child that succeeds returns what the integration
 * returns (its Output as JSON); one that fails throws States.TaskFailed with the child's
 * description, its Error and Cause inside, as Step Functions does. The child's events (not its
 * Execution* ones) join the parent's.
 */
export function childTaskHandlers(
  parent: StateMachineDefinition,
  children: Record<string, StateMachineDefinition>,
  taskHandlers: Record<string, LocalHandler>,
  events: { type: string }[],
): Record<string, LocalHandler> {
  const handlers: Record<string, LocalHandler> = {};
  let count = 0;
  for (const [name, state] of allStates(parent)) {
    if (state.Type !== 'Task' || state.Resource !== START_CHILD_RESOURCE) continue;
    handlers[name] = (async (parameters: { StateMachineArn: string; Input: unknown }) => {
      const definition = children[parameters.StateMachineArn];
      if (!definition) throw new Error(`no child state machine ${parameters.StateMachineArn}`);
      const executionName = `child-${++count}`;
      const executionArn = `${parameters.StateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
      const run = validatedInterpreter(definition).interpreter.run(parameters.Input as never, {
        overrides: {
          taskResourceLocalHandlers: taskHandlers as never,
          waitTimeOverrides: zeroed(definition, 'Wait'),
          retryIntervalOverrides: Object.fromEntries(
            allStates(definition)
              .filter(([, s]) => s.Retry !== undefined)
              .map(([n, s]) => [n, s.Retry?.map(() => 0) ?? []]),
          ),
        },
        context: { Execution: { Id: executionArn, Name: executionName } } as never,
      });
      const childEvents: { type: string; Error?: string; Cause?: unknown }[] = [];
      const collecting = (async () => {
        for await (const event of run.eventLogs) childEvents.push(event as never);
      })();
      const described = { ExecutionArn: executionArn, Input: parameters.Input, Name: executionName };
      try {
        const output = await run.result;
        await collecting;
        events.push(...childEvents.filter((event) => !event.type.startsWith('Execution')));
        return { ...described, Output: output, Status: 'SUCCEEDED' } as never;
      } catch {
        await collecting;
        events.push(...childEvents.filter((event) => !event.type.startsWith('Execution')));
        const failed = childEvents.find((event) => event.type === 'ExecutionFailed');
        const cause = typeof failed?.Cause === 'string' ? failed.Cause : JSON.stringify(failed?.Cause ?? '');
        throw Object.assign(
          new Error(JSON.stringify({ ...described, Status: 'FAILED', Error: failed?.Error, Cause: cause })),
          { name: 'States.TaskFailed' },
        );
      }
    }) as LocalHandler;
  }
  return handlers;
}

function zeroed(definition: StateMachineDefinition, type: string): Record<string, number> {
  return Object.fromEntries(
    allStates(definition)
      .filter(([, state]) => state.Type === type)
      .map(([name]) => [name, 0]),
  );
}
