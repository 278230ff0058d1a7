import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = new URL('../../../../', import.meta.url).pathname;
const FUNCTIONS = join(REPO, 'functions');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every static import of a module: its text and what it imports. */
function imports(file: string): { statement: string; from: string }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)';/gms)].map((match) => ({
    statement: match[0],
    from: match[1] as string,
  }));
}

/**
 * The function modules and every first-party module they reach by a value import (report/,
 * plan/, statemachines/...): what esbuild puts in the bundles. Type imports are erased.
 */
function bundledModules(): string[] {
  const seen = new Set<string>();
  const pending = sources(FUNCTIONS);
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { statement, from } of imports(file)) {
      if (!from.startsWith('.') || /^(import|export) type /.test(statement)) continue;
      const target = resolve(dirname(file), from);
      if (target.endsWith('.ts') && existsSync(target)) pending.push(target);
    }
  }
  return [...seen].sort();
}

/**
 * What keeps the function bundles small (bench figure 4): zod's full API is ~440 KB and the YAML
 * plan loader another ~150 KB with the plan schema. A single value import of either from any
 * module a function reaches puts it back into every bundle that reaches that module (the
 * evidence function's run report, report/schema.ts, carried the full API until it moved to mini).
 */
describe('function start-up weight', () => {
  const files = bundledModules();

  it('reaches the run report and the plan helpers too, not only functions/', () => {
    // Assess
    const reached = files.map((file) => relative(REPO, file));
    expect(reached).toEqual(expect.arrayContaining(['report/schema.ts', 'report/from-execution.ts']));
    expect(reached).toEqual(expect.arrayContaining(['plan/errors.ts', 'functions/shared/validator.ts']));
  });

  it('imports zod only through functions/shared/validator.ts (zod/mini), as a namespace', () => {
    // Act
    const offending = files.flatMap((file) =>
      imports(file)
        .filter(({ statement, from }) => {
          if (file.endsWith('/functions/shared/validator.ts')) return false;
          if (/^(import|export) type /.test(statement)) return false;
          if (from === 'zod' || from.startsWith('zod/')) return true;
          return from.endsWith('/validator.ts') && !/^import (type )?\* as z from/.test(statement);
        })
        .map(({ statement }) => `${relative(REPO, file)}: ${statement}`),
    );

    // Assess
    expect(offending).toEqual([]);
  });

  it('reads the plan with the JSON reader: no value import of the YAML loader or the plan schema', () => {
    // Act
    const offending = files.flatMap((file) =>
      imports(file)
        .filter(
          ({ statement, from }) =>
            /\/plan\/(load|schema)\.ts$/.test(resolve(dirname(file), from)) &&
            !/^(import|export) type /.test(statement),
        )
        .map(({ statement }) => `${relative(REPO, file)}: ${statement}`),
    );

    // Assess
    expect(offending).toEqual([]);
  });
});
