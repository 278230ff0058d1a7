import { createHash } from 'node:crypto';
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
import {
  functionArns,
  type Invoke,
  type LoadedFunctions,
  loadFunctions,
} from '../stepfunctions/lambda-functions.ts';

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

/** Functions are imported once per plan file content; a different plan gets fresh modules. */
let loaded: { key: string; functions: LoadedFunctions; scheduled: LoadedScheduledFunctions } | undefined;
let generation = 0;

/**
 * The slow, one-off work done before the simulated clock starts: importing the handlers (they
 * keep the configuration of their first import) and validating the state machine.
 */
export async function loadWorldHandlers(
  plan: Plan,
  account: string,
  planJson: string,
): Promise<WorldHandlers> {
  const arns = functionArns(plan.regions.dr, account, plan.name);
  const key = createHash('sha256').update(planJson).digest('hex');
  if (loaded?.key !== key) {
    const suffix = loaded === undefined ? '' : String(++generation);
    const [fresh, scheduled] = await Promise.all([
      loadFunctions(arns, suffix),
      loadScheduledFunctions(plan, account, suffix),
    ]);
    loaded = { key, functions: fresh, scheduled };
  }
  const stateMachineArn = `arn:aws:states:${plan.regions.dr}:${account}:stateMachine:${failoverStateMachineName(plan)}`;
  const childArns = childStateMachineArns(stateMachineArn, FAILOVER_CHILDREN);
  const definition = loadFailoverDefinition(arns, childArns);
  const children = prepareChildren(childArns, substitutionsFor(arns));
  return {
    stateMachineArn,
    children,
    arns,
    functions: loaded.functions.functions,
    scheduled: loaded.scheduled.functions,
    problems: [...loaded.functions.problems, ...loaded.scheduled.problems],
    definition,
    interpreter: interpreterFor(definition),
  };
}
