import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { withFalseTypeTestsNegated } from './choice-type-tests.ts';

/**
 * Definitions the world has validated, as the validator left them (asl-validator fills in each
 * state's default QueryLanguage), in memory and on disk across processes.
 *
 * Why: asl-validator builds and compiles its whole JSON Schema with a new Ajv on every call, about
 * 0.5 s of CPU, and every world start (each `drctl up`, each world test) registers the same few
 * definitions again: that was a third of the CPU of a drill test. Validation is a pure function
 * of the definition and of the validator's version, so a definition validated once needs no
 * second run: the key is both. The disk cache is an optimisation only: one that cannot be read or
 * written is skipped, and a definition is then validated as before.
 */
const require = createRequire(import.meta.url);
const VALIDATOR_VERSION = (require('asl-validator/package.json') as { version: string }).version;
const CACHE_DIR = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'drctl', 'asl-validated');

const inMemory = new Map<string, string>();

/**
 * aws-local-stepfunctions' interpreter for the definition, validated with every check on (ARNs
 * and paths, the interpreter's defaults) the first time this definition is seen, and not again.
 * Also returns the definition as validated, which is what the interpreter runs (with its false
 * type tests written as `Not`, which aws-local-stepfunctions gets right: choice-type-tests.ts).
 */
export function validatedInterpreter<T extends object>(
  definition: T,
): { definition: T; interpreter: StateMachine } {
  const validated = validatedOnce(definition, (given) => {
    new StateMachine(given as never, { validationOptions: { checkArn: true, checkPaths: true } });
  });
  return {
    definition: validated,
    interpreter: new StateMachine(withFalseTypeTestsNegated(validated) as never, {
      validationOptions: { noValidate: true },
    }),
  };
}

/**
 * The definition as validated: from the cache when this exact definition passed before, else
 * `validate` runs (it throws on an invalid definition, which is never cached) and may change it.
 */
export function validatedOnce<T extends object>(definition: T, validate: (definition: T) => void): T {
  const given = JSON.stringify(definition);
  const key = createHash('sha256').update(`asl-validator@${VALIDATOR_VERSION}\n${given}`).digest('hex');
  const known = inMemory.get(key) ?? readCached(key);
  if (known !== undefined) {
    inMemory.set(key, known);
    return JSON.parse(known) as T;
  }
  validate(definition);
  const validated = JSON.stringify(definition);
  inMemory.set(key, validated);
  writeCached(key, validated);
  return definition;
}

function readCached(key: string): string | undefined {
  try {
    const text = readFileSync(join(CACHE_DIR, `${key}.json`), 'utf8');
    JSON.parse(text);
    return text;
  } catch {
    return undefined;
  }
}

function writeCached(key: string, validated: string): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written aside, then renamed: a process reading at the same moment sees all of it or nothing.
    const partial = join(CACHE_DIR, `${key}.${process.pid}.tmp`);
    writeFileSync(partial, validated);
    renameSync(partial, join(CACHE_DIR, `${key}.json`));
  } catch {
    // A read-only install: validate every time, as before.
  }
}
