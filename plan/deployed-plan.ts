import { readBoundedText } from './bounded-read.ts';
import { InvalidPlanError } from './errors.ts';
import type { Plan } from './schema.ts';
import { escapeControlCharacters, previewValue } from './value-preview.ts';

/**
 * The reader of the plan a function is deployed with. CDK writes that plan as JSON next to the
 * bundle (infra/lambda/dr-function.ts BUNDLED_PLAN_FILE) after validating it at synth with the
 * full loader (plan/load.ts: YAML, the zod schema, the AWS rules), and the local world writes
 * the plan it was validated from the same way. So a function needs no YAML parser and no schema
 * at start-up (together about 570 KB of bundle, the bulk of a cold start): this reader parses
 * JSON and checks only that the file is such a plan — the sections every validated plan has,
 * with their defaults filled in — so that a wrong file fails at once, naming the field.
 */

/** A validated plan at AWS's limits is well under 100 KB; anything bigger is the wrong file. */
export const DEPLOYED_PLAN_SIZE_LIMIT_BYTES = 1024 * 1024;

type Kind = 'string' | 'object' | 'list';

/**
 * What every validated plan has after the schema filled its defaults (plan/schema.ts planSchema's
 * output), field by field. A file missing one was not written by the validating loader.
 */
const REQUIRED: readonly (readonly [field: string, kind: Kind])[] = [
  ['name', 'string'],
  ['regions', 'object'],
  ['regions.primary', 'string'],
  ['regions.dr', 'string'],
  ['objectives', 'object'],
  ['application', 'object'],
  ['application.primary', 'object'],
  ['application.dr', 'object'],
  ['databases', 'list'],
  ['services', 'list'],
  ['dns', 'object'],
  ['dns.strategy', 'string'],
  ['detection', 'object'],
  ['failover', 'object'],
  ['failover.pollSeconds', 'object'],
  ['drills', 'object'],
  ['notifications', 'object'],
];

/**
 * Reads a plan validated at synth. `source` says where the path came from (e.g.
 * "DRCTL_PLAN_FILE=plan.json"), so the message tells the operator what to fix.
 */
export function readDeployedPlan(path: string, source = path): Plan {
  const name = escapeControlCharacters(source);
  const text = readText(path, name);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw notDeployedPlan(
      name,
      `it is not JSON (${escapeControlCharacters((error as Error).message)}). Functions read the plan as CDK bundles it (plan.json, validated at synth); a YAML plan is for the CLI and cdk synth`,
    );
  }
  const problem = missingSection(document);
  if (problem) throw notDeployedPlan(name, problem.text, problem.field);
  return document as Plan;
}

function missingSection(document: unknown): { field: string; text: string } | undefined {
  if (!isObject(document)) {
    return { field: '(root)', text: `expected a plan object, found ${previewValue(document)}` };
  }
  for (const [field, kind] of REQUIRED) {
    const value = field
      .split('.')
      .reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), document);
    if (!hasKind(value, kind)) {
      const found = value === undefined ? 'nothing' : previewValue(value);
      return { field, text: `${field}: expected ${article(kind)}, found ${found}` };
    }
  }
  for (const list of ['databases', 'services'] as const) {
    const items = document[list] as unknown[];
    if (items.length === 0) return { field: list, text: `${list}: expected at least one entry, found none` };
    const index = items.findIndex((item) => !isObject(item) || typeof item.id !== 'string');
    if (index !== -1)
      return { field: `${list}[${index}].id`, text: `${list}[${index}].id: expected a string` };
  }
  return undefined;
}

function notDeployedPlan(name: string, why: string, field?: string): InvalidPlanError {
  return new InvalidPlanError(
    `${name} is not a validated recovery plan: ${why}. Redeploy (cdk deploy writes plan.json from the validated plan).`,
    [why],
    field,
  );
}

function readText(path: string, name: string): string {
  return readBoundedText(path, DEPLOYED_PLAN_SIZE_LIMIT_BYTES, (failure) => {
    if (failure.kind === 'too-large') {
      return new InvalidPlanError(
        `The deployed plan ${name} is ${Math.round(failure.bytes / 1024)} KiB; a validated plan is well under ${DEPLOYED_PLAN_SIZE_LIMIT_BYTES / 1024} KiB: is it the right file?`,
        [],
      );
    }
    const why = failure.kind === 'folder' ? 'it is a folder' : failure.reason;
    return new InvalidPlanError(`Cannot read the deployed plan ${name}: ${why}`, []);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasKind(value: unknown, kind: Kind): boolean {
  if (kind === 'list') return Array.isArray(value);
  if (kind === 'object') return isObject(value);
  return typeof value === 'string' && value.length > 0;
}

function article(kind: Kind): string {
  return kind === 'list' ? 'a list' : kind === 'object' ? 'an object' : 'a non-empty string';
}
