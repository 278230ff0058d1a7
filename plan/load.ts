import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { InvalidPlanError } from './errors.ts';
import { type Plan, planSchema } from './schema.ts';

/** Validates an already-parsed plan document; errors name the field, what was found and what is allowed. */
export function parsePlan(document: unknown, source = 'plan'): Plan {
  const result = planSchema.safeParse(document, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues.map(describeIssue);
  const first = result.error.issues[0];
  throw new InvalidPlanError(
    `${source} is not a valid recovery plan:\n  - ${issues.join('\n  - ')}`,
    issues,
    first ? fieldPath(first.path) : undefined,
  );
}

/** Reads a YAML (or JSON) plan file and validates it. */
export function loadPlanFile(path: string): Plan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidPlanError(`Cannot read plan file ${path}: ${(error as Error).message}`, []);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new InvalidPlanError(`${path} is not valid YAML: ${(error as Error).message}`, []);
  }
  return parsePlan(document, path);
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out || '(root)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = fieldPath(issue.path);
  const found = 'input' in issue ? ` (found ${describeValue(issue.input)})` : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${field}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove them or check the spelling`;
    case 'invalid_value':
      return `${field}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${found}`;
    case 'invalid_type':
      return issue.input === undefined
        ? `${field}: is required (expected ${issue.expected})`
        : `${field}: expected ${issue.expected}${found}`;
    case 'custom':
      // Custom checks write their own "found" part; their input is the whole parent object.
      return `${field}: ${issue.message}`;
    default:
      return `${field}: ${lowerFirst(issue.message)}${found}`;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? text[0]?.toLowerCase() + text.slice(1) : text;
}
