import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const COMMANDS = ['drill', 'up', 'status', 'report', 'validate', 'readiness', 'approve', 'deny'] as const;
type Command = (typeof COMMANDS)[number];

/** The README and every page under docs/: where operators copy commands from. */
function documents(): { file: string; text: string }[] {
  const pages = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? pages(join(dir, entry.name))
        : entry.name.endsWith('.md')
          ? [join(dir, entry.name)]
          : [],
    );
  return ['README.md', ...pages('docs')].map((file) => ({
    file,
    text: readFileSync(join(ROOT, file), 'utf8'),
  }));
}

/** Each documented invocation (`drctl CMD ...`, `npm run drctl -- CMD ...`, `npm run drill -- ...`) and its options. */
function documentedOptions(): { file: string; command: Command; option: string; line: string }[] {
  const found: { file: string; command: Command; option: string; line: string }[] = [];
  const invocation = new RegExp(
    `(?:drctl(?: --)? (${COMMANDS.join('|')})|npm run (drill)(?= --))\\b([^\\n\`#|]*)`,
    'g',
  );
  for (const { file, text } of documents()) {
    for (const match of text.matchAll(invocation)) {
      const command = (match[1] ?? match[2]) as Command;
      for (const option of (match[3] ?? '').matchAll(/(?<=\s)--[a-z][a-z-]*/g)) {
        found.push({ file, command, option: option[0], line: match[0].trim() });
      }
    }
  }
  return found;
}

async function helpOf(command: Command): Promise<string> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const module = (await import(`../../../cli/commands/${command}.ts`)) as {
    run(args: string[]): Promise<number>;
  };
  await module.run(['--help']);
  const help = log.mock.calls.map((call) => call.join(' ')).join('\n');
  log.mockRestore();
  return help;
}

describe('the commands the docs show', () => {
  it('use only options their command has', async () => {
    // Prepare
    const documented = documentedOptions();
    const helps = new Map<Command, string>();
    for (const command of COMMANDS) helps.set(command, await helpOf(command));

    // Act
    const unknown = documented.filter(
      ({ command, option }) => !new RegExp(`(^|[\\s\\[|,])${option}\\b`, 'm').test(helps.get(command) ?? ''),
    );

    // Assess
    expect(documented.length).toBeGreaterThan(20);
    expect(unknown.map(({ file, option, line }) => `${file}: ${option} in "${line}"`)).toEqual([]);
  });
});
