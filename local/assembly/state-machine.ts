import type { FunctionKey } from '../../statemachines/definition.ts';
import { taskFunctions } from '../../statemachines/definition.ts';
import type { WorldContext } from '../context.ts';
import type { RequestCounts } from '../request-counts.ts';
import { StepFunctionsModel } from '../stepfunctions/executions.ts';
import { holdingTheClock, type Invoke } from '../stepfunctions/lambda-functions.ts';
import type { WorldHandlers } from './handlers.ts';

export interface WorldStateMachine {
  stepFunctions: StepFunctionsModel;
  stateMachineArn: string;
  /** The handlers as the world invokes them: holding the clock, with the modelled overhead. */
  timed: Record<FunctionKey, Invoke>;
}

/**
 * Registers the failover state machine in the DR region, its Tasks bound to the real handlers.
 * Each Task invocation counts as a required Lambda Invoke in the DR region (the recovery path
 * depends on it); an invocation whose function fails counts as failed, with the error's name.
 */
export function registerFailoverMachine(
  context: WorldContext,
  handlers: WorldHandlers,
  counts: RequestCounts,
): WorldStateMachine {
  const { plan, account, clock, timings } = context;
  const timed = holdingTheClock(handlers.functions, clock, timings.lambdaInvocationMs);
  const counted = Object.fromEntries(
    (Object.keys(timed) as FunctionKey[]).map((key) => [
      key,
      async (event: unknown) => {
        const invoke = {
          service: 'lambda',
          region: plan.regions.dr,
          operation: 'Invoke',
          kind: 'required',
        } as const;
        try {
          const result = await timed[key](event);
          counts.count({ ...invoke, outcome: 'ok' }, clock.now());
          return result;
        } catch (error) {
          counts.count({ ...invoke, outcome: (error as Error).name || 'Error' }, clock.now());
          throw error;
        }
      },
    ]),
  ) as Record<FunctionKey, Invoke>;
  const stepFunctions = new StepFunctionsModel(context, () => counted);
  const stateMachineArn = `arn:aws:states:${plan.regions.dr}:${account}:stateMachine:${plan.name}-failover`;
  stepFunctions.register(
    {
      arn: stateMachineArn,
      name: `${plan.name}-failover`,
      definition: handlers.definition,
      roleArn: `arn:aws:iam::${account}:role/${plan.name}-failover-state-machine`,
      createdAt: new Date(clock.now()),
      tasks: taskFunctions(handlers.definition, handlers.arns),
    },
    handlers.interpreter,
  );
  return { stepFunctions, stateMachineArn, timed };
}
