import { progress } from '../lib/log.ts';
import { summarize } from '../lib/stats.ts';
import { type TimedRun, timedRun } from '../lib/timed-process.ts';
import type { WallClockFigure } from '../results.ts';

const TEN_MINUTES_MS = 600_000;

/** Runs `npm run <script>` (or `npm test`) several times from the warm install and times each run. */
export async function timeNpmScript(
  script: string,
  runs: number,
): Promise<WallClockFigure & { last: TimedRun }> {
  const args = script === 'test' ? ['test'] : ['run', script];
  const command = `npm ${args.join(' ')}`;
  const wallMs: number[] = [];
  const exitCodes: (number | null)[] = [];
  let last: TimedRun | undefined;
  for (let run = 1; run <= runs; run++) {
    progress(`${command}: run ${run} of ${runs}`);
    last = await timedRun('npm', args, { timeoutMs: TEN_MINUTES_MS });
    wallMs.push(last.wallMs);
    exitCodes.push(last.exitCode);
  }
  if (last === undefined) throw new RangeError('at least one run is needed');
  return {
    command,
    wallSeconds: summarize(wallMs.map((ms) => ms / 1000)),
    exitCodes,
    succeeded: exitCodes.every((code) => code === 0),
    last,
  };
}

/**
 * `npm test` is `lint && typecheck && test:unit`. Timing the three scripts in that order gives the
 * same total, shows where the time goes, and is not cut short when an early part fails.
 */
export async function timeTestSuite(runs: number): Promise<WallClockFigure> {
  const parts: NonNullable<WallClockFigure['parts']> = [];
  const totals = Array.from({ length: runs }, () => 0);
  for (const script of ['lint', 'typecheck', 'test:unit']) {
    const { last: _last, succeeded: _succeeded, ...part } = await timeNpmScript(script, runs);
    parts.push(part);
    part.wallSeconds.values.forEach((seconds, run) => {
      totals[run] = (totals[run] ?? 0) + seconds;
    });
  }
  const exitCodes = totals.map((_, run) => {
    const failed = parts.find((part) => part.exitCodes[run] !== 0);
    return failed ? (failed.exitCodes[run] ?? null) : 0;
  });
  return {
    command: 'npm test',
    wallSeconds: summarize(totals),
    exitCodes,
    succeeded: exitCodes.every((code) => code === 0),
    parts,
  };
}

/** The drill placeholder exits 2 and says so; that is "not built yet", not a slow drill. */
export function isDrillPlaceholder(run: TimedRun): boolean {
  return run.exitCode === 2 && /not available yet/.test(run.stderr);
}
