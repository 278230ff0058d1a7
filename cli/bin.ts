import { DrError } from '../plan/errors.ts';

/**
 * drctl: one entry point, one module per command. Each command module exports
 * `run(args): Promise<number>` (the exit status) and `usage` (one line for the help text).
 */
interface CommandModule {
  run(args: string[]): Promise<number>;
  usage: string;
}

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  drill: () => import('./commands/drill.ts'),
  up: () => import('./commands/up.ts'),
  status: () => import('./commands/status.ts'),
  report: () => import('./commands/report.ts'),
  readiness: () => import('./commands/readiness.ts'),
  approve: () => import('./commands/approve.ts'),
  deny: () => import('./commands/deny.ts'),
};

async function help(): Promise<string> {
  const lines = await Promise.all(Object.values(COMMANDS).map(async (load) => `  ${(await load()).usage}`));
  return [
    'usage: drctl <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'drctl <command> --help for its options.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await help());
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`drctl: unknown command "${name}"; known: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  return (await load()).run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Family errors carry a message written for the operator; anything else is a bug worth a stack.
    console.error(error instanceof DrError ? `drctl: ${error.message}` : error);
    process.exitCode = 1;
  },
);
