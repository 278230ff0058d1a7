import { readFileSync } from 'node:fs';

/** The functions the failover state machine invokes, by the key used across drctl. */
export const FUNCTION_KEYS = [
  'healthMonitor',
  'promoteReplica',
  'scaleService',
  'updateDns',
  'notify',
  'approval',
  'fencePrimary',
] as const;
export type FunctionKey = (typeof FUNCTION_KEYS)[number];
export type FunctionArns = Record<FunctionKey, string>;

/** The `${...}` placeholder of each function's ARN in the ASL file (CDK's definitionSubstitutions keys). */
export const SUBSTITUTION_NAMES: Record<FunctionKey, string> = {
  healthMonitor: 'HealthMonitorFunctionArn',
  promoteReplica: 'PromoteReplicaFunctionArn',
  scaleService: 'ScaleServiceFunctionArn',
  updateDns: 'UpdateDnsFunctionArn',
  notify: 'NotifyFunctionArn',
  approval: 'ApprovalFunctionArn',
  fencePrimary: 'FencePrimaryFunctionArn',
};

export const FAILOVER_ASL_PATH = new URL('./failover.asl.json', import.meta.url).pathname;

/** The ASL text as committed, placeholders unresolved (what CDK inlines into the template). */
export function readFailoverAsl(): string {
  return readFileSync(FAILOVER_ASL_PATH, 'utf8');
}

/** Maps function keys to CDK's substitution map `{ HealthMonitorFunctionArn: arn, ... }`. */
export function substitutionsFor(arns: FunctionArns): Record<string, string> {
  return Object.fromEntries(FUNCTION_KEYS.map((key) => [SUBSTITUTION_NAMES[key], arns[key]]));
}

/** The failover definition with every placeholder resolved; throws if one is left. */
export function loadFailoverDefinition(arns: FunctionArns): StateMachineDefinition {
  const substitutions = substitutionsFor(arns);
  const text = readFailoverAsl().replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`failover.asl.json: no value for placeholder ${whole}`);
    return value;
  });
  return JSON.parse(text) as StateMachineDefinition;
}

export interface StateDefinition {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string | null }[];
  Branches?: StateMachineDefinition[];
  ItemProcessor?: StateMachineDefinition;
  [key: string]: unknown;
}

export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, StateDefinition>;
  [key: string]: unknown;
}

/** Every state of a definition with its name, including those inside Parallel branches and Map processors. */
export function allStates(definition: StateMachineDefinition): [string, StateDefinition][] {
  return Object.entries(definition.States).flatMap(([name, state]) => [
    [name, state] as [string, StateDefinition],
    ...(state.Branches ?? []).flatMap(allStates),
    ...(state.ItemProcessor ? allStates(state.ItemProcessor) : []),
  ]);
}

/** The function each Task state invokes, by matching its Resource against the ARNs. */
export function taskFunctions(
  definition: StateMachineDefinition,
  arns: FunctionArns,
): Record<string, FunctionKey> {
  const byArn = new Map(FUNCTION_KEYS.map((key) => [arns[key], key]));
  const result: Record<string, FunctionKey> = {};
  for (const [name, state] of allStates(definition)) {
    if (state.Type !== 'Task') continue;
    const key = state.Resource === undefined ? undefined : byArn.get(state.Resource);
    if (key === undefined)
      throw new Error(`Task state ${name} invokes an unknown resource ${state.Resource}`);
    result[name] = key;
  }
  return result;
}
