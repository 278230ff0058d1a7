import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_AWS_CREDENTIALS, runCli, scratchDirectory } from './run-cli.ts';

const STACK_TRACE = /\n\s+at [^\n]+:\d+:\d+/;

/**
 * Bad input through real processes: the exit status, the command's prefix, no stack trace and no
 * raw control character on the terminal. The variants run in-process in
 * tests/unit/cli/commands-bad-input.test.ts.
 */
describe.concurrent('every command refuses bad input with exit 2, its own prefix and no stack trace', () => {
  it('drill --scale 0x10 is refused with the allowed form before the world starts', async () => {
    // Act
    const result = await runCli(['drill', '--scale', '0x10']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'drctl drill: --scale: expected a whole number from 1 to 1000, in plain digits',
    );
    expect(result.stdout).not.toContain('local world for plan');
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
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('report exits 2 on 400 KB of nested brackets, without a stack trace', async () => {
    // Prepare
    const path = join(scratchDirectory(), 'nested.json');
    writeFileSync(path, `${'['.repeat(200_000)}${']'.repeat(200_000)}`);

    // Act
    const result = await runCli(['report', path]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'is not a valid drctl run report:\n  - (root): expected object (found [[[[[...]]]]])',
    );
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stderr).not.toContain('RangeError');
  });

  it('never prints the control characters of a file name', async () => {
    // Prepare
    const evil = join(scratchDirectory(), 'plan\u001b]0;owned\u0007.yaml');

    // Act
    const result = await runCli(['validate', '--plan', evil]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('plan\\e]0;owned\\x07.yaml: no such file');
    const raw = [...result.stdout, ...result.stderr].filter((char) => {
      const code = char.codePointAt(0) ?? 0;
      return (code < 0x20 && char !== '\n') || (code >= 0x7f && code <= 0x9f);
    });
    expect(raw).toEqual([]);
  });

  it('report --execution without credentials says how to provide them and exits 2, as drill and status do', async () => {
    // Act
    const result = await runCli(
      ['report', '--execution', 'arn:aws:states:us-west-2:111111111111:execution:shop-failover:x'],
      { ...NO_AWS_CREDENTIALS, AWS_ENDPOINT_URL: undefined },
    );

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('drctl report: --execution: no AWS credentials found');
    expect(result.stderr).toContain('AWS_PROFILE');
    expect(result.stderr).toContain('AWS_ACCESS_KEY_ID');
    expect(result.stderr).not.toContain('CredentialsProviderError');
    expect(result.stderr).not.toMatch(STACK_TRACE);
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
