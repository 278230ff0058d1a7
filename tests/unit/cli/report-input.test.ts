import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../plan/errors.ts';
import { parseRunReport, readRunReportFile } from '../../../report/load.ts';
import { loadFixture } from '../report/support/fixtures.ts';

function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('run report input that would overflow a naive reader', () => {
  it('names the field and a short preview when a field holds 200,000 levels of arrays', () => {
    // Prepare
    const document = { ...structuredClone(loadFixture('dry-run')), steps: [nested(200_000)] };

    // Act
    const parse = () => parseRunReport(document, 'deep.json');

    // Assess
    expect(parse).toThrow(InvalidInputError);
    expect(parse).toThrow(
      'deep.json is not a valid drctl run report:\n  - steps[0]: expected object (found [[[[[...]]]]])',
    );
  });

  it('reads 400 KB of nested brackets as bad input, not a stack overflow', () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), 'drctl-nested-')), 'nested.json');
    writeFileSync(path, `${'['.repeat(200_000)}${']'.repeat(200_000)}`);

    // Act
    const read = () => readRunReportFile(path);

    // Assess
    expect(read).toThrow(InvalidInputError);
    expect(read).toThrow('(root): expected object (found [[[[[...]]]]])');
  });
});
