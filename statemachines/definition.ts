import { readFileSync } from 'node:fs';
import type { Plan } from '../plan/schema.ts';

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
export function loadFailoverDefinition(
  arns: FunctionArns,
  children: Record<FailoverChildKey, string>,
): StateMachineDefinition {
  return JSON.parse(
    resolvePlaceholders(
      readFailoverAsl(),
      { ...substitutionsFor(arns), ...childSubstitutionsFor(children) },
      'failover.asl.json',
    ),
  );
}

// ---- Child state machines (one execution per resource's polling loop) -----------------------------

/**
 * The child state machines. Each database's promotion and each service's scaling polls in an
 * execution of its own, started from the parent's inline Map with startExecution.sync:2, so that
 * its loop fills its own 25,000-event history and the parent records a constant 8 events per
 * resource (see plan/rules/execution-history.ts and docs/architecture.md).
 */
export const CHILD_MACHINES = {
  promoteDatabase: {
    file: 'promote-database.asl.json',
    substitution: 'PromoteDatabaseStateMachineArn',
    suffix: 'promote-database',
  },
  scaleService: {
    file: 'scale-service.asl.json',
    substitution: 'ScaleServiceStateMachineArn',
    suffix: 'scale-service',
  },
  promoteCopy: {
    file: 'promote-copy.asl.json',
    substitution: 'PromoteCopyStateMachineArn',
    suffix: 'promote-copy',
  },
} as const;
export type ChildKey = keyof typeof CHILD_MACHINES;
/** The failover's children; the drill has its own (a drill copy's promotion, and its own scaling). */
export const FAILOVER_CHILDREN = ['promoteDatabase', 'scaleService'] as const satisfies readonly ChildKey[];
export const DRILL_CHILDREN = ['promoteCopy', 'scaleService'] as const satisfies readonly ChildKey[];
export type FailoverChildKey = (typeof FAILOVER_CHILDREN)[number];
export type DrillChildKey = (typeof DRILL_CHILDREN)[number];

/** A child's name: its parent's, then what it does (`shop-failover-promote-database`). */
export function childStateMachineName(parentName: string, child: ChildKey): string {
  return `${parentName}-${CHILD_MACHINES[child].suffix}`;
}

/** The children's ARNs beside their parent (same region and account). */
export function childStateMachineArns<K extends ChildKey>(
  parentArn: string,
  children: readonly K[],
): Record<K, string> {
  return Object.fromEntries(
    children.map((child) => [child, `${parentArn}-${CHILD_MACHINES[child].suffix}`]),
  ) as Record<K, string>;
}

export function childAslPath(child: ChildKey): string {
  return new URL(`./${CHILD_MACHINES[child].file}`, import.meta.url).pathname;
}

/** The child's ASL text as committed, placeholders (its functions' ARNs) unresolved. */
export function readChildAsl(child: ChildKey): string {
  return readFileSync(childAslPath(child), 'utf8');
}

export function childSubstitutionsFor(children: Partial<Record<ChildKey, string>>): Record<string, string> {
  return Object.fromEntries(
    (Object.entries(children) as [ChildKey, string][]).map(([child, arn]) => [
      CHILD_MACHINES[child].substitution,
      arn,
    ]),
  );
}

/** A child's definition with its functions' ARNs resolved (the failover's or the drill's names). */
export function loadChildDefinition(
  child: ChildKey,
  functionSubstitutions: Record<string, string>,
): StateMachineDefinition {
  return JSON.parse(
    resolvePlaceholders(readChildAsl(child), functionSubstitutions, CHILD_MACHINES[child].file),
  );
}

function resolvePlaceholders(text: string, substitutions: Record<string, string>, file: string): string {
  return text.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`${file}: no value for placeholder ${whole}`);
    return value;
  });
}

// ---- The drill state machine (statemachines/drill.asl.json) --------------------------------------

/** The functions the drill state machine invokes: its own, and the failover's scale-service and notify. */
export const DRILL_FUNCTION_KEYS = ['drill', 'scaleService', 'notify'] as const;
export type DrillFunctionKey = (typeof DRILL_FUNCTION_KEYS)[number];
export type DrillFunctionArns = Record<DrillFunctionKey, string>;

export const DRILL_SUBSTITUTION_NAMES: Record<DrillFunctionKey, string> = {
  drill: 'DrillFunctionArn',
  scaleService: SUBSTITUTION_NAMES.scaleService,
  notify: SUBSTITUTION_NAMES.notify,
};

export const DRILL_ASL_PATH = new URL('./drill.asl.json', import.meta.url).pathname;

/**
 * The drill ASL for a plan, placeholders unresolved (what CDK inlines with
 * definitionSubstitutions): the execution's TimeoutSeconds is drills.timeoutMinutes, which a
 * substitution cannot set (it is a number, and the file must stay valid JSON).
 */
export function readDrillAsl(plan: Pick<Plan, 'drills'>): string {
  const definition = JSON.parse(readFileSync(DRILL_ASL_PATH, 'utf8')) as StateMachineDefinition;
  return `${JSON.stringify({ ...definition, TimeoutSeconds: plan.drills.timeoutMinutes * 60 }, null, 2)}\n`;
}

export function drillSubstitutionsFor(arns: DrillFunctionArns): Record<string, string> {
  return Object.fromEntries(DRILL_FUNCTION_KEYS.map((key) => [DRILL_SUBSTITUTION_NAMES[key], arns[key]]));
}

/** The drill definition for a plan with every placeholder resolved; throws if one is left. */
export function loadDrillDefinition(
  arns: DrillFunctionArns,
  plan: Pick<Plan, 'drills'>,
  children: Record<DrillChildKey, string>,
): StateMachineDefinition {
  return JSON.parse(
    resolvePlaceholders(
      readDrillAsl(plan),
      { ...drillSubstitutionsFor(arns), ...childSubstitutionsFor(children) },
      'drill.asl.json',
    ),
  );
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

/** Step Functions' own integration that starts a child execution and waits for it (output as JSON). */
export const START_CHILD_RESOURCE = 'arn:aws:states:::states:startExecution.sync:2';

/**
 * The function each Task state invokes, by matching its Resource against the ARNs (Tasks that
 * start a child execution invoke no function: the child's Tasks do).
 */
export function taskFunctions<K extends string>(
  definition: StateMachineDefinition,
  arns: Record<K, string>,
): Record<string, K> {
  const byArn = new Map((Object.keys(arns) as K[]).map((key) => [arns[key], key]));
  const result: Record<string, K> = {};
  for (const [name, state] of allStates(definition)) {
    if (state.Type !== 'Task' || state.Resource === START_CHILD_RESOURCE) continue;
    const key = state.Resource === undefined ? undefined : byArn.get(state.Resource);
    if (key === undefined)
      throw new Error(`Task state ${name} invokes an unknown resource ${state.Resource}`);
    result[name] = key;
  }
  return result;
}
