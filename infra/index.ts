/** drctl's CDK constructs. A team with its own application needs only `DisasterRecovery` and a plan. */

export { RegionalApplication } from './application/regional-application.ts';
export {
  BUNDLED_PLAN_FILE,
  DrFunction,
  type DrFunctionName,
  type DrFunctionProps,
} from './lambda/dr-function.ts';
export { acknowledge, addSecurityChecks } from './nag.ts';
export { DisasterRecovery, type DisasterRecoveryProps } from './orchestrator/disaster-recovery.ts';
export { ARN_SUBSTITUTIONS, FailoverStateMachine } from './orchestrator/failover-state-machine.ts';
export { buildReferenceApp, type ReferenceStacks, stackNames } from './reference-app.ts';
export { ApplicationStack } from './stacks/application-stack.ts';
export { FoundationStack } from './stacks/foundation-stack.ts';
export { GlobalStack } from './stacks/global-stack.ts';
export { OrchestratorStack } from './stacks/orchestrator-stack.ts';
