import { createHash } from 'node:crypto';
import type { Plan } from '../../plan/schema.ts';
import {
  type FunctionArns,
  type FunctionKey,
  loadFailoverDefinition,
  type StateMachineDefinition,
} from '../../statemachines/definition.ts';
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
  /** Handlers that could not be imported. */
  problems: string[];
  definition: StateMachineDefinition;
  interpreter: ReturnType<typeof interpreterFor>;
}

/** Functions are imported once per plan file content; a different plan gets fresh modules. */
let loaded: { key: string; functions: LoadedFunctions } | undefined;
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
    const fresh = await loadFunctions(arns, loaded === undefined ? '' : String(++generation));
    loaded = { key, functions: fresh };
  }
  const definition = loadFailoverDefinition(arns);
  return {
    arns,
    functions: loaded.functions.functions,
    problems: loaded.functions.problems,
    definition,
    interpreter: interpreterFor(definition),
  };
}
