import { type DeployedFunctionName, functionSettings } from '../../plan/function-settings.ts';
import type { FunctionKey } from '../../statemachines/definition.ts';
import type { WorldContext } from '../context.ts';
import type { LambdaModel } from '../lambda/model.ts';
import { FUNCTION_DIRECTORIES, type Invoke } from '../stepfunctions/lambda-functions.ts';

/**
 * Puts the orchestrator's functions behind the world's Lambda API under their deployed names
 * (`<plan>-<function>` in the DR region), as the CDK app deploys them: an operator can list
 * them and invoke one by hand (`aws lambda invoke --function-name shop-health-monitor`), and the
 * invocation runs the same handler the state machine and the schedules run.
 */
export function registerOrchestratorFunctions(
  context: WorldContext,
  lambda: LambdaModel,
  functions: { timed: Record<FunctionKey, Invoke>; primaryProbe: Invoke },
): void {
  const { plan } = context;
  const register = (name: DeployedFunctionName, invoke: Invoke) =>
    lambda.register(plan.regions.dr, `${plan.name}-${name}`, invoke, {
      ...functionSettings(plan, name),
      description: `drctl ${name} for plan ${plan.name} (functions/${name}/handler.ts)`,
    });
  for (const key of Object.keys(FUNCTION_DIRECTORIES) as FunctionKey[]) {
    register(FUNCTION_DIRECTORIES[key] as DeployedFunctionName, functions.timed[key]);
  }
  register('primary-probe', functions.primaryProbe);
}
