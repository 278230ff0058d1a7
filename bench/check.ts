import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './lib/timed-process.ts';
import type { BenchResults } from './results.ts';
import { checkPassed, evaluateTargets, type Verdict } from './targets.ts';

const USAGE = 'usage: tsx bench/check.ts [--wall-clock] [results.json (default bench/results/latest.json)]';

const MARKS: Record<Verdict['status'], string> = {
  met: 'ok  ',
  missed: 'MISS',
  unmeasured: 'NONE',
  info: 'info',
};

function main(argv: string[]): number {
  const wallClock = argv.includes('--wall-clock');
  const files = argv.filter((arg) => !arg.startsWith('--'));
  if (argv.some((arg) => arg.startsWith('--') && arg !== '--wall-clock') || files.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const file = resolve(REPO_ROOT, files[0] ?? 'bench/results/latest.json');
  let results: BenchResults;
  try {
    results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as Error).message}\nRun \`npm run bench\` first.\n`);
    return 2;
  }
  const verdicts = evaluateTargets(results, { wallClock });
  process.stdout.write(`bench:check ${file} (measured ${results.generatedAt})\n`);
  for (const verdict of verdicts) {
    process.stdout.write(
      `${MARKS[verdict.status]}  ${verdict.figure}: ${verdict.target} — ${verdict.measured}\n`,
    );
  }
  const passed = checkPassed(verdicts);
  const missed = verdicts.filter(
    (verdict) => verdict.status === 'missed' || verdict.status === 'unmeasured',
  ).length;
  process.stdout.write(passed ? 'all targets met\n' : `${missed} target(s) missed or not measured\n`);
  return passed ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
