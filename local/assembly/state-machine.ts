import { drillStateMachineName, failoverStateMachineName } from '../../plan/names.ts';
import type { DrillFunctionKey, FunctionKey } from '../../statemachines/definition.ts';
import { taskFunctions } from '../../statemachines/definition.ts';
import type { WorldContext } from '../context.ts';
import type { RequestCounts } from '../request-counts.ts';
import { StepFunctionsModel } from '../stepfunctions/executions.ts';
import { holdingTheClock, type Invoke } from '../stepfunctions/lambda-functions.ts';
import type { DrillHandlers } from './drill-handlers.ts';
import type { ChildMachines, WorldHandlers } from './handlers.ts';

export interface WorldStateMachine {
  stepFunctions: StepFunctionsModel;
  stateMachineArn: string;
  /** The drill state machine's ARN, when the world deploys drills. */
  drillStateMachineArn: string | undefined;
  /** The handlers as the world invokes them: holding the clock, with the modelled overhead. */
  timed: Record<FunctionKey, Invoke> & Partial<Record<DrillFunctionKey, Invoke>>;
}

/**
 * Registers the failover state machine in the DR region, its Tasks bound to the real handlers,
 * and, when the world deploys drills, the drill state machine beside it (its own function
 * `<plan>-drill`, and the failover's scale-service and notify). Each Task invocation counts as a
 * required Lambda Invoke in the DR region (the recovery path depends on it); an invocation whose
 * function fails counts as failed, with the error's name.
 */
export function registerStateMachines(
  context: WorldContext,
  handlers: WorldHandlers,
  counts: RequestCounts,
  drill?: DrillHandlers,
): WorldStateMachine {
  const { plan, account, clock, timings } = context;
  const timed = holdingTheClock<string>(
    { ...handlers.functions, ...(drill ? { drill: drill.drill } : {}) },
    clock,
    timings.lambdaInvocationMs,
  ) as WorldStateMachine['timed'];
  const counted: Record<string, Invoke> = Object.fromEntries(
    Object.entries(timed).map(([key, invokeTimed]) => [
      key,
      async (event: unknown) => {
        const invoke = {
          service: 'lambda',
          region: plan.regions.dr,
          operation: 'Invoke',
          kind: 'required',
        } as const;
        try {
          const result = await (invokeTimed as Invoke)(event);
          counts.count({ ...invoke, outcome: 'ok' }, clock.now());
          return result;
        } catch (error) {
          counts.count({ ...invoke, outcome: (error as Error).name || 'Error' }, clock.now());
          throw error;
        }
      },
    ]),
  );
  const stepFunctions = new StepFunctionsModel(context, () => counted);
  const arnOf = (name: string) => `arn:aws:states:${plan.regions.dr}:${account}:stateMachine:${name}`;
  const stateMachineArn = arnOf(failoverStateMachineName(plan));
  /** A parent's children, beside it: their own role, their Tasks bound to the same handlers. */
  const registerChildren = (
    children: ChildMachines<string>,
    role: string,
    arns: Record<string, string>,
  ): void => {
    for (const child of Object.values(children)) {
      stepFunctions.register(
        {
          arn: child.arn,
          name: child.arn.slice(child.arn.lastIndexOf(':') + 1),
          definition: child.definition,
          roleArn: `arn:aws:iam::${account}:role/${role}`,
          createdAt: new Date(clock.now()),
          tasks: taskFunctions(child.definition, arns),
        },
        child.interpreter,
      );
    }
  };
  stepFunctions.register(
    {
      arn: stateMachineArn,
      name: failoverStateMachineName(plan),
      definition: handlers.definition,
      roleArn: `arn:aws:iam::${account}:role/${plan.name}-failover-state-machine`,
      createdAt: new Date(clock.now()),
      tasks: taskFunctions(handlers.definition, handlers.arns),
    },
    handlers.interpreter,
  );
  registerChildren(handlers.children, `${plan.name}-failover-children`, handlers.arns);
  let drillStateMachineArn: string | undefined;
  if (drill) {
    drillStateMachineArn = arnOf(drillStateMachineName(plan));
    stepFunctions.register(
      {
        arn: drillStateMachineArn,
        name: drillStateMachineName(plan),
        definition: drill.definition,
        roleArn: `arn:aws:iam::${account}:role/${plan.name}-drill-state-machine`,
        createdAt: new Date(clock.now()),
        tasks: taskFunctions(drill.definition, drill.arns),
      },
      drill.prepared,
    );
    registerChildren(drill.children, `${plan.name}-drill-children`, drill.arns);
  }
  return { stepFunctions, stateMachineArn, drillStateMachineArn, timed };
}
