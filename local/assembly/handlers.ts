import { failoverStateMachineName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import {
  type ChildKey,
  childStateMachineArns,
  FAILOVER_CHILDREN,
  type FailoverChildKey,
  type FunctionArns,
  type FunctionKey,
  loadChildDefinition,
  loadFailoverDefinition,
  type StateMachineDefinition,
  substitutionsFor,
} from '../../statemachines/definition.ts';
import { type LoadedScheduledFunctions, loadScheduledFunctions } from '../scheduled-functions.ts';
import { interpreterFor } from '../stepfunctions/executions.ts';
import { functionArns, type Invoke, loadFunctions } from '../stepfunctions/lambda-functions.ts';

export interface WorldHandlers {
  arns: FunctionArns;
  functions: Record<FunctionKey, Invoke>;
  /** The functions only a schedule runs (the primary probe). */
  scheduled: LoadedScheduledFunctions['functions'];
  /** Handlers that could not be imported. */
  problems: string[];
  definition: StateMachineDefinition;
  interpreter: ReturnType<typeof interpreterFor>;
  /** The failover's ARN and its child state machines (one execution per database, per service). */
  stateMachineArn: string;
  children: ChildMachines<FailoverChildKey>;
}

/** Child state machines by kind: ARN, definition and its prepared interpreter. */
export type ChildMachines<K extends string> = Record<
  K,
  { arn: string; definition: StateMachineDefinition; interpreter: ReturnType<typeof interpreterFor> }
>;

/** Each child at its ARN, with its definition (its functions' ARNs resolved) and prepared interpreter. */
export function prepareChildren<K extends ChildKey>(
  childArns: Record<K, string>,
  functionSubstitutions: Record<string, string>,
): ChildMachines<K> {
  return Object.fromEntries(
    (Object.entries(childArns) as [K, string][]).map(([child, arn]) => {
      const definition = loadChildDefinition(child, functionSubstitutions);
      return [child, { arn, definition, interpreter: interpreterFor(definition) }];
    }),
  ) as ChildMachines<K>;
}

let worlds = 0;

/**
 * The import generation of the next world's handlers: '' for the first world of the process,
 * then a new one per world. Each world gets fresh handler modules, as a new deployment gets new
 * Lambda containers: a handler reads its configuration at import and keeps its SDK clients and
 * caches (the run guard's verified runs) for the module's life, none of which may carry over
 * from an earlier world. Only the handler.ts modules are evaluated again (their imports are
 * shared): two world test files that start several worlds each took no measurably longer.
 */
export function nextHandlerGeneration(): string {
  const generation = worlds === 0 ? '' : String(worlds);
  worlds += 1;
  return generation;
}

/**
 * The slow, one-off work done before the simulated clock starts: importing the handlers (they
 * keep the configuration of their import) and validating the state machine.
 */
export async function loadWorldHandlers(
  plan: Plan,
  account: string,
  generation: string,
): Promise<WorldHandlers> {
  const arns = functionArns(plan.regions.dr, account, plan.name);
  const [functions, scheduled] = await Promise.all([
    loadFunctions(arns, generation),
    loadScheduledFunctions(plan, account, generation),
  ]);
  const stateMachineArn = `arn:aws:states:${plan.regions.dr}:${account}:stateMachine:${failoverStateMachineName(plan)}`;
  const childArns = childStateMachineArns(stateMachineArn, FAILOVER_CHILDREN);
  const definition = loadFailoverDefinition(arns, childArns);
  const children = prepareChildren(childArns, substitutionsFor(arns));
  return {
    stateMachineArn,
    children,
    arns,
    functions: functions.functions,
    scheduled: scheduled.functions,
    problems: [...functions.problems, ...scheduled.problems],
    definition,
    interpreter: interpreterFor(definition),
  };
}
