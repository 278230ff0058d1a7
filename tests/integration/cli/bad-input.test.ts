import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_AWS_CREDENTIALS, runCli, scratchDirectory } from './run-cli.ts';

const NO_STACK_TRACE = /\n\s+at [^\n]+:\d+:\d+/;

// Each case is a fresh process; they are independent, so they run side by side.
describe.concurrent('every command refuses bad input with exit 2, its own prefix and no stack trace', () => {
  it('numbers in another form than plain digits, or out of range, are refused with the allowed form', async () => {
    // Act (the other forms: tests/unit/cli/args.test.ts)
    const [hex, seed, scale] = await Promise.all([
      runCli(['drill', '--scale', '0x10']),
      runCli(['drill', '--seed', '']),
      runCli(['up', '--scale', '5000']),
    ]);

    // Assess
    expect([hex.code, seed.code, scale.code]).toEqual([2, 2, 2]);
    expect(hex.stderr).toContain(
      'drctl drill: --scale: expected a whole number from 1 to 1000, in plain digits',
    );
    expect(hex.stdout).not.toContain('local world for plan');
    expect(seed.stderr).toContain('drctl drill: --seed: expected a whole number from 0 to 2147483647');
    expect(scale.stderr).toContain('drctl up: --scale: expected a whole number from 1 to 1000');
  });

  it('drill --json at a folder or under a file exits 2 before the world starts', async () => {
    // Prepare
    const dir = scratchDirectory();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');

    // Act
    const folder = await runCli(['drill', '--json', dir]);
    const underFile = await runCli(['drill', '--json', join(file, 'run.json')]);

    // Assess
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`drctl drill: --json: cannot write ${dir}: it is a folder`);
    expect(underFile.code).toBe(2);
    expect(underFile.stderr).toContain('a part of the path is a file, not a folder');
    for (const result of [folder, underFile]) {
      expect(result.stdout).not.toContain('local world for plan');
      expect(result.stderr).not.toMatch(NO_STACK_TRACE);
    }
  });

  it('drill --target aws --mode failover checks --json before it looks for credentials or starts anything', async () => {
    // Act
    const result = await runCli(
      [
        'drill',
        '--target',
        'aws',
        '--mode',
        'failover',
        '--confirm',
        'shop',
        '--json',
        '/proc/drctl/run.json',
      ],
      NO_AWS_CREDENTIALS,
    );

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('drctl drill: --json: cannot write /proc/drctl/run.json');
    expect(result.stderr).not.toContain('credentials');
  });

  it('report exits 2 on a missing file, invalid JSON and 400 KB of nested brackets, without a stack trace', async () => {
    // Prepare
    const dir = scratchDirectory();
    const open = join(dir, 'open.json');
    const closed = join(dir, 'closed.json');
    writeFileSync(open, '['.repeat(400_000));
    writeFileSync(closed, `${'['.repeat(200_000)}${']'.repeat(200_000)}`);

    // Act
    const results = await Promise.all([
      runCli(['report', join(dir, 'missing.json')]),
      runCli(['report', open]),
      runCli(['report', closed]),
      runCli(['report', '--colour']),
    ]);

    // Assess
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(results[0]?.stderr).toContain('drctl report: cannot read');
    expect(results[1]?.stderr).toContain(`drctl report: ${open} is not valid JSON`);
    expect(results[2]?.stderr).toContain(
      'is not a valid drctl run report:\n  - (root): expected object (found [[[[[...]]]]])',
    );
    expect(results[3]?.stderr).toContain("drctl report: Unknown option '--colour'");
    for (const result of results) {
      expect(result.stderr).not.toMatch(NO_STACK_TRACE);
      expect(result.stderr).not.toContain('RangeError');
    }
  });

  it('never prints control characters from file names or contents', async () => {
    // Prepare: an escape sequence in a plan's name and one in a file's name
    const dir = scratchDirectory();
    const evilName = join(dir, 'plan\u001b]0;owned\u0007.yaml');
    const evilContent = join(dir, 'content.yaml');
    writeFileSync(evilContent, 'name: "shop\\e[2J\\u009b"\n');
    const history = join(dir, 'history');
    mkdirSync(history);
    writeFileSync(join(history, 'run\u001b[31m.json'), '{}');

    // Act
    const results = await Promise.all([
      runCli(['validate', '--plan', evilName]),
      runCli(['drill', '--plan', evilContent]),
      runCli(['report', '--history', history]),
    ]);

    // Assess
    expect(results[0]?.stderr).toContain('plan\\e]0;owned\\x07.yaml: no such file');
    expect(results[1]?.stderr).toContain('(found "shop\\e[2J\\x9b")');
    expect(results[2]?.stderr).toContain('run\\e[31m.json');
    for (const result of results) {
      expect(result.code).toBe(2);
      const raw = [...result.stdout, ...result.stderr].filter((char) => {
        const code = char.codePointAt(0) ?? 0;
        return (code < 0x20 && char !== '\n') || (code >= 0x7f && code <= 0x9f);
      });
      expect(raw).toEqual([]);
    }
  });

  it('status says nothing answered and exits 1 when no endpoint answers', async () => {
    // Act
    const result = await runCli(['status', '--endpoint', 'http://127.0.0.1:9']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /drctl status: nothing answered at local world at http:\/\/127\.0\.0\.1:9: all \d+ readings failed/,
    );
  });
});
