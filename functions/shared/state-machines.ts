import { ConfigurationError } from '../../plan/errors.ts';
import { drillStateMachineName, failoverStateMachineName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';

const FUNCTION_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:/;

/** The plan's two top-level state machines in the DR region. */
export interface StateMachineArns {
  drill: string;
  failover: string;
}

/**
 * The plan's state machines, named from the plan in the account and region of the function that
 * runs (its invoked ARN, which Lambda gives every invocation): the sweep that EventBridge
 * invokes carries no ARN, and no input may name another state machine.
 */
export function stateMachineArns(plan: Plan, invokedFunctionArn: string): StateMachineArns {
  const match = FUNCTION_ARN.exec(invokedFunctionArn);
  if (!match) {
    throw new ConfigurationError(
      `cannot tell the account and region from the invoked function ARN ${JSON.stringify(invokedFunctionArn)}`,
    );
  }
  const [, partition, region, account] = match;
  if (region !== plan.regions.dr) {
    throw new ConfigurationError(
      `this function runs in ${region}, but the plan's state machines run in the DR region ${plan.regions.dr}: deploy it there`,
    );
  }
  const arn = (name: string) => `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;
  return { drill: arn(drillStateMachineName(plan)), failover: arn(failoverStateMachineName(plan)) };
}

/** The ARN of the failover run whose name is `executionName` (a task's correlationId). */
export function failoverExecutionArn(machines: StateMachineArns, executionName: string): string {
  return `${machines.failover.replace(':stateMachine:', ':execution:')}:${executionName}`;
}
