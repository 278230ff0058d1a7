import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as drill } from '../../../cli/commands/drill.ts';
import { run as report } from '../../../cli/commands/report.ts';
import { run as up } from '../../../cli/commands/up.ts';
import { run as validate } from '../../../cli/commands/validate.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'drctl-bad-input-'));

/** What a command printed to stderr, in one string. */
function stderr(): string {
  return vi
    .mocked(console.error)
    .mock.calls.map((call) => call.join(' '))
    .join('\n');
}

function rawControls(text: string): string[] {
  return [...text].filter((char) => {
    const code = char.codePointAt(0) ?? 0;
    return (code < 0x20 && char !== '\n') || (code >= 0x7f && code <= 0x9f);
  });
}

describe('commands refuse bad input before they run anything (exit 2, their own prefix)', () => {
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it.each([
    [['--scale', ' 7 '], '--scale'],
    [['--scale', '1e3'], '--scale'],
    [['--scale', '5000'], '--scale'],
    [['--seed', ''], '--seed'],
    [['--target', 'aws', '--poll-seconds', '0x5'], '--poll-seconds'],
  ])('drill %j', async (args, flag) => {
    // Act
    const code = await drill(args);

    // Assess
    expect(code).toBe(2);
    expect(stderr()).toContain(`drctl drill: ${flag}: expected a whole number from`);
    expect(stderr()).toContain('in plain digits');
  });

  it('up --scale 0 and --outage-after 1.5', async () => {
    // Act
    const codes = [await up(['--scale', '0']), await up(['--outage-after', '1.5'])];

    // Assess
    expect(codes).toEqual([2, 2]);
    expect(stderr()).toContain('drctl up: --scale: expected a whole number from 1 to 1000');
    expect(stderr()).toContain('drctl up: --outage-after: expected a whole number from 0');
  });

  it('drill --json at a folder or under a file', async () => {
    // Prepare
    const dir = scratch();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');

    // Act
    const codes = [await drill(['--json', dir]), await drill(['--json', join(file, 'run.json')])];

    // Assess
    expect(codes).toEqual([2, 2]);
    expect(stderr()).toContain(`drctl drill: --json: cannot write ${dir}: it is a folder`);
    expect(stderr()).toContain('a part of the path is a file, not a folder');
  });

  it('report: a missing file, invalid JSON, an unknown option, an --out folder', async () => {
    // Prepare
    const dir = scratch();
    const open = join(dir, 'open.json');
    writeFileSync(open, '['.repeat(400_000));

    // Act
    const codes = [
      await report([join(dir, 'missing.json')]),
      await report([open]),
      await report(['--colour']),
      await report([open, '--out', dir]),
    ];

    // Assess
    expect(codes).toEqual([2, 2, 2, 2]);
    expect(stderr()).toContain('drctl report: cannot read');
    expect(stderr()).toContain(`drctl report: ${open} is not valid JSON`);
    expect(stderr()).toContain("drctl report: Unknown option '--colour'");
    expect(stderr()).toContain(`drctl report: --out: cannot write ${dir}: it is a folder`);
  });

  it('escapes control characters of file contents and names', async () => {
    // Prepare
    const dir = scratch();
    const content = join(dir, 'content.yaml');
    writeFileSync(content, 'name: "shop\\e[2J\\u009b"\n');
    const history = join(dir, 'history');
    mkdirSync(history);
    writeFileSync(join(history, 'run\u001b[31m.json'), '{}');

    // Act
    const codes = [await validate(['--plan', content]), await report(['--history', history])];

    // Assess
    expect(codes).toEqual([2, 2]);
    expect(stderr()).toContain('(found "shop\\e[2J\\x9b")');
    expect(stderr()).toContain('run\\e[31m.json');
    expect(rawControls(stderr())).toEqual([]);
  });
});
