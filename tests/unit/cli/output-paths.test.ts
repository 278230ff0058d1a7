import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run as runReport } from '../../../cli/commands/report.ts';
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
    checkOutputFile('--json', join(dir, 'reports', 'deep', 'run.json'), 'report.json');
    checkOutputFile('--json', existing, 'report.json');

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
        checkOutputFile('--json', path, 'report.json');
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInputError);
        return (error as Error).message;
      }
    });

    // Assess
    expect(attempts[0]).toBe(
      `--json: cannot write ${dir}: it is a folder; give a file name such as ${join(dir, 'report.json')}`,
    );
    expect(attempts[1]).toMatch(/^--json: cannot write .*: a part of the path is a file, not a folder$/);
    expect(attempts[2]).toMatch(
      /^--json: cannot write \/proc\/drctl-test\/run\.json: \/proc (is not writable|does not take new files)/,
    );
    expect(attempts[3]).toBe('--json: cannot write : the path is empty');
  });

  it('suggests a file of the kind the option writes when given a folder: HTML for --out', async () => {
    // Prepare
    const dir = scratch();
    const report = join(dir, 'run.json');
    writeFileSync(report, '{}');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...parts) => void errors.push(parts.join(' ')));

    // Act
    const code = await runReport(['--out', dir, report]);
    const history = await runReport(['--history', dir, '--out', dir]);

    // Assess
    expect(code).toBe(2);
    expect(errors[0]).toBe(
      `drctl report: --out: cannot write ${dir}: it is a folder; give a file name such as ${join(dir, 'report.html')}`,
    );
    expect(history).toBe(2);
    expect(errors[1]).toContain(`give a file name such as ${join(dir, 'history.html')}`);
    expect(errors.join('\n')).not.toContain('report.json');
    vi.restoreAllMocks();
  });
});
