import { isAlias, parseDocument, visit } from 'yaml';
import { readBoundedText } from './bounded-read.ts';
import { InvalidPlanError } from './errors.ts';
import { flowNestingDepth } from './flow-depth.ts';
import { describeIssues, fieldPath } from './issues.ts';
import { checkPlanRules } from './rules/index.ts';
import { type Plan, planSchema } from './schema.ts';
import { escapeControlCharacters } from './value-preview.ts';

export { fieldPath };

/**
 * The largest plan file drctl reads. The reference plan is 2 KB and a plan at the limits AWS
 * sets (500 resources per stack, 25,000 history events) is well under 100 KB; YAML parsing costs
 * about 0.7 s per MB on two cores, so a limit keeps a wrong file (a log, a dump) from stalling
 * every caller that loads the plan, Lambda cold starts included.
 */
export const PLAN_SIZE_LIMIT_BYTES = 256 * 1024;
/** Flow collections (`[`, `{`) nested deeper than this are refused before parsing (a plan needs about 6). */
export const PLAN_NESTING_LIMIT = 64;

/**
 * Validates an already-parsed plan document: first its shape (plan/schema.ts), then what AWS
 * would refuse (plan/rules/). Errors name the field, what was found and what is allowed; every
 * problem is reported at once.
 */
export function parsePlan(document: unknown, source = 'plan'): Plan {
  const result = planSchema.safeParse(document, { reportInput: true });
  if (!result.success) throw planError(source, describeIssues(result.error.issues));
  const problems = checkPlanRules(result.data);
  if (problems.length > 0) {
    throw planError(
      source,
      problems.map((p) => ({ field: p.field, text: `${p.field}: ${p.message}` })),
    );
  }
  return result.data;
}

/** Parses a plan's YAML (or JSON) text and validates it. */
export function parsePlanText(text: string, source = 'plan'): Plan {
  const name = displayName(source);
  if (text.length > PLAN_SIZE_LIMIT_BYTES) throw tooLarge(name, Buffer.byteLength(text));
  if (text.length > PLAN_NESTING_LIMIT && flowNestingDepth(text) > PLAN_NESTING_LIMIT) throw tooDeep(name);
  let document: unknown;
  try {
    document = parseYamlStrictly(text);
  } catch (error) {
    if (error instanceof RangeError || /maximum call stack/i.test((error as Error).message))
      throw tooDeep(name);
    const message = escapeControlCharacters((error as Error).message, { keepNewlines: true });
    throw new InvalidPlanError(`${name} is not valid YAML: ${message}`, []);
  }
  return parsePlan(document, name);
}

/**
 * YAML whose every warning is an error too: an unknown tag (`!custom`, `!!binary`) would
 * otherwise become a string and print a Node warning with the file's text in it.
 */
function parseYamlStrictly(text: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'silent' });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) throw problem;
  visit(document, {
    Alias(_, alias) {
      if (isAlias(alias) && alias.resolve(document) === undefined) {
        const line = text.slice(0, alias.range?.[0] ?? 0).split('\n').length;
        throw new Error(
          `the alias *${alias.source} at line ${line} has no anchor &${alias.source} before it`,
        );
      }
    },
  });
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Alias bombs ("billion laughs"): the library stops them; say so in the plan's terms.
    throw new Error(`its aliases expand too much (${(error as Error).message})`);
  }
}

/** Reads a YAML (or JSON) plan file and validates it. */
export function loadPlanFile(path: string): Plan {
  return parsePlanText(readPlanText(path), path);
}

/** The file's text, refusing folders and files over the size limit before reading them. */
function readPlanText(path: string): string {
  const name = displayName(path);
  return readBoundedText(path, PLAN_SIZE_LIMIT_BYTES, (failure) => {
    if (failure.kind === 'too-large') return tooLarge(name, failure.bytes);
    const why = failure.kind === 'folder' ? 'it is a folder' : failure.reason;
    return new InvalidPlanError(`Cannot read plan file ${name}: ${why}`, []);
  });
}

function planError(source: string, issues: { field: string; text: string }[]): InvalidPlanError {
  const lines = issues.map((issue) => issue.text);
  return new InvalidPlanError(
    `${displayName(source)} is not a valid recovery plan:\n  - ${lines.join('\n  - ')}`,
    lines,
    issues[0]?.field,
  );
}

function tooLarge(name: string, bytes: number): InvalidPlanError {
  return new InvalidPlanError(
    `${name} is ${formatBytes(bytes)}; a recovery plan may be at most ${formatBytes(PLAN_SIZE_LIMIT_BYTES)} (the reference plan is about 2 KB): is it the right file?`,
    [],
  );
}

function tooDeep(name: string): InvalidPlanError {
  return new InvalidPlanError(
    `${name} is not a recovery plan: it nests more than ${PLAN_NESTING_LIMIT} levels deep (a plan is about 6)`,
    [],
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

/** A file name as it may be printed: control characters escaped. */
function displayName(source: string): string {
  return escapeControlCharacters(source);
}
