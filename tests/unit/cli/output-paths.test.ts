import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputFile } from '../../../cli/terminal/output-paths.ts';
import { InvalidInputError } from '../../../plan/errors.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'drctl-output-path-'));

describe('checkOutputFile: report paths checked before any run', () => {
  it('accepts a new file in a new folder without creating either, and an existing file', () => {
    // Prepare
    const dir = scratch();
    const existing = join(dir, 'old.json');
    writeFileSync(existing, '{}');

    // Act
    checkOutputFile('--json', join(dir, 'reports', 'deep', 'run.json'));
    checkOutputFile('--json', existing);

    // Assess
    expect(existsSync(join(dir, 'reports'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['old.json']);
  });

  it('refuses a folder, a path under a file, and a read-only file system, naming the flag', () => {
    // Prepare
    const dir = scratch();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');

    // Act
    const attempts = [dir, join(file, 'run.json'), '/proc/drctl-test/run.json', ''].map((path) => {
      try {
        checkOutputFile('--json', path);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInputError);
        return (error as Error).message;
      }
    });

    // Assess
    expect(attempts[0]).toMatch(/^--json: cannot write .*: it is a folder; give a file name/);
    expect(attempts[1]).toMatch(/^--json: cannot write .*: a part of the path is a file, not a folder$/);
    expect(attempts[2]).toMatch(
      /^--json: cannot write \/proc\/drctl-test\/run\.json: \/proc (is not writable|does not take new files)/,
    );
    expect(attempts[3]).toBe('--json: cannot write : the path is empty');
  });
});
