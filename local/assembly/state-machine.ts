import type { FunctionKey } from '../../statemachines/definition.ts';
import { taskFunctions } from '../../statemachines/definition.ts';
import type { WorldContext } from '../context.ts';
import { StepFunctionsModel } from '../stepfunctions/executions.ts';
import { holdingTheClock, type Invoke } from '../stepfunctions/lambda-functions.ts';
import type { WorldHandlers } from './handlers.ts';

export interface WorldStateMachine {
  stepFunctions: StepFunctionsModel;
  stateMachineArn: string;
  /** The handlers as the world invokes them: holding the clock, with the modelled overhead. */
  timed: Record<FunctionKey, Invoke>;
}

/** Registers the failover state machine in the DR region, its Tasks bound to the real handlers. */
export function registerFailoverMachine(context: WorldContext, handlers: WorldHandlers): WorldStateMachine {
  const { plan, account, clock, timings } = context;
  const timed = holdingTheClock(handlers.functions, clock, timings.lambdaInvocationMs);
  const stepFunctions = new StepFunctionsModel(context, () => timed);
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
