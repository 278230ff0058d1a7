import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const FUNCTIONS = new URL('../../../../functions/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every static import of a function module: its text and what it imports. */
function imports(file: string): { statement: string; from: string }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import\s[^;]*?from\s+'([^']+)';/gms)].map((match) => ({
    statement: match[0],
    from: match[1] as string,
  }));
}

/**
 * What keeps the function bundles small (bench figure 4): zod's full API is ~440 KB and the YAML
 * plan loader another ~150 KB with the plan schema. A single value import of either from any
 * function module puts it back into every bundle that reaches that module.
 */
describe('function start-up weight', () => {
  const files = sources(FUNCTIONS);

  it('imports zod only through functions/shared/validator.ts (zod/mini), as a namespace', () => {
    // Act
    const offending = files.flatMap((file) =>
      imports(file)
        .filter(({ statement, from }) => {
          if (file.endsWith('/shared/validator.ts')) return false;
          if (from === 'zod' || from.startsWith('zod/')) return true;
          return from.endsWith('/validator.ts') && !/^import (type )?\* as z from/.test(statement);
        })
        .map(({ statement }) => `${relative(FUNCTIONS, file)}: ${statement}`),
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
            /\/plan\/(load|schema)\.ts$/.test(from) && !statement.startsWith('import type'),
        )
        .map(({ statement }) => `${relative(FUNCTIONS, file)}: ${statement}`),
    );

    // Assess
    expect(offending).toEqual([]);
  });
});
