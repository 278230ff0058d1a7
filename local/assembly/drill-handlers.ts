import { existsSync } from 'node:fs';
import { canaryFunctionName, drillStateMachineName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import {
  childStateMachineArns,
  DRILL_CHILDREN,
  type DrillChildKey,
  type DrillFunctionArns,
  drillSubstitutionsFor,
  loadDrillDefinition,
  type StateMachineDefinition,
} from '../../statemachines/definition.ts';
import { interpreterFor, type PreparedDefinition } from '../stepfunctions/executions.ts';
import { type Invoke, invoker, type LambdaHandler } from '../stepfunctions/lambda-functions.ts';
import { type ChildMachines, prepareChildren } from './handlers.ts';

/**
 * The drill's handlers as the world loads them, like the failover's (in process, configuration
 * read at import): functions/drill (`<plan>-drill`, the drill machine's Tasks and the sweep the
 * status-change rule invokes) and functions/canary, one handler deployed twice (`<plan>-canary`
 * beside the primaries, `<plan>-canary-reader` beside the copies; it tells them apart by the
 * invoked function name). The drill machine reuses the failover's scale-service and notify.
 */
export interface DrillHandlers {
  arns: DrillFunctionArns;
  definition: StateMachineDefinition;
  prepared: PreparedDefinition;
  /** The drill's child state machines (one execution per copy's promotion, per service's scaling). */
  children: ChildMachines<DrillChildKey>;
  drill: Invoke;
  canaryWriter: Invoke;
  canaryReader: Invoke;
  /**
   * functions/evidence (`<plan>-evidence`), which the execution status rule invokes, when the
   * checkout has it; undefined otherwise (the world then delivers status events to the sweep only).
   */
  evidence: Invoke | undefined;
  /** Handlers that could not be imported (invoking them fails with the reason). */
  problems: string[];
}

export function drillFunctionArn(plan: Plan, account: string): string {
  return `arn:aws:lambda:${plan.regions.dr}:${account}:function:${plan.name}-drill`;
}

export function canaryFunctionArn(plan: Plan, account: string, role: 'writer' | 'reader'): string {
  const region = role === 'writer' ? plan.regions.primary : plan.regions.dr;
  return `arn:aws:lambda:${region}:${account}:function:${canaryFunctionName(plan, role)}`;
}

export function evidenceFunctionArn(plan: Plan, account: string): string {
  return `arn:aws:lambda:${plan.regions.dr}:${account}:function:${plan.name}-evidence`;
}

type Loaded = { handler: LambdaHandler } | { problem: string };

/** Imports the drill and canary handlers, fresh for each world (see nextHandlerGeneration). */
export async function loadDrillHandlers(
  plan: Plan,
  account: string,
  generation: string,
  failoverArns: { scaleService: string; notify: string },
): Promise<DrillHandlers> {
  const hasEvidence = existsSync(new URL('../../functions/evidence/handler.ts', import.meta.url));
  const [drill, canary, evidence] = await Promise.all([
    importHandler('drill', generation),
    importHandler('canary', generation),
    hasEvidence ? importHandler('evidence', generation) : Promise.resolve(undefined),
  ]);
  const loaded = { drill, canary, evidence };
  const arns: DrillFunctionArns = {
    drill: drillFunctionArn(plan, account),
    scaleService: failoverArns.scaleService,
    notify: failoverArns.notify,
  };
  const drillArn = `arn:aws:states:${plan.regions.dr}:${account}:stateMachine:${drillStateMachineName(plan)}`;
  const childArns = childStateMachineArns(drillArn, DRILL_CHILDREN);
  const definition = loadDrillDefinition(arns, plan, childArns);
  const children = prepareChildren(childArns, drillSubstitutionsFor(arns));
  const problems = [loaded.drill, loaded.canary, loaded.evidence].flatMap((l) =>
    l !== undefined && 'problem' in l ? [l.problem] : [],
  );
  return {
    arns,
    definition,
    prepared: interpreterFor(definition),
    children,
    drill: invokable(loaded.drill, arns.drill),
    canaryWriter: invokable(loaded.canary, canaryFunctionArn(plan, account, 'writer')),
    canaryReader: invokable(loaded.canary, canaryFunctionArn(plan, account, 'reader')),
    evidence: loaded.evidence && invokable(loaded.evidence, evidenceFunctionArn(plan, account)),
    problems,
  };
}

async function importHandler(directory: string, suffix: string): Promise<Loaded> {
  const where = `functions/${directory}/handler.ts`;
  const url = new URL(`../../${where}`, import.meta.url);
  if (suffix !== '') url.searchParams.set('world', suffix);
  try {
    const module = (await import(url.href)) as { handler?: LambdaHandler };
    if (typeof module.handler !== 'function') throw new Error('it does not export a handler');
    return { handler: module.handler };
  } catch (error) {
    return { problem: `${where} could not be loaded: ${(error as Error).message}` };
  }
}

function invokable(loaded: Loaded, arn: string): Invoke {
  if ('handler' in loaded) return invoker(loaded.handler, arn);
  const { problem } = loaded;
  return async () => {
    throw Object.assign(new Error(problem), { name: 'FunctionUnavailable' });
  };
}
