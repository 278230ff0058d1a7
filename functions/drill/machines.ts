import { ConfigurationError } from '../../plan/errors.ts';
import { drillStateMachineName, failoverStateMachineName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { StateMachineArns } from './ports.ts';

const FUNCTION_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:/;

/**
 * The plan's state machines, named from the plan in the account and region of the function that
 * runs (its invoked ARN, which Lambda gives every invocation): the sweep that EventBridge
 * invokes carries no ARN, and no input may name another state machine.
 */
export function stateMachineArns(plan: Plan, invokedFunctionArn: string): StateMachineArns {
  const match = FUNCTION_ARN.exec(invokedFunctionArn);
  if (!match) {
    throw new ConfigurationError(
      `drill: cannot tell the account and region from the invoked function ARN ${JSON.stringify(invokedFunctionArn)}`,
    );
  }
  const [, partition, region, account] = match;
  if (region !== plan.regions.dr) {
    throw new ConfigurationError(
      `drill: this function runs in ${region}, but the plan's drills run from the DR region ${plan.regions.dr}: deploy it there`,
    );
  }
  const arn = (name: string) => `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;
  return { drill: arn(drillStateMachineName(plan)), failover: arn(failoverStateMachineName(plan)) };
}
