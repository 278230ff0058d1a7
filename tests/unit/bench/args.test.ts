import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, FIGURE_KEYS, parseBenchArgs } from '../../../bench/lib/args.ts';

describe('bench arguments', () => {
  it('measures every figure by default', () => {
    // Prepare
    const argv: string[] = [];

    // Act
    const options = parseBenchArgs(argv);

    // Assess
    expect(options.figures).toEqual([...FIGURE_KEYS]);
    expect(options.out).toBe(DEFAULT_OPTIONS.out);
  });

  it('selects figures with --only and removes them with --skip', () => {
    // Prepare
    const argv = ['--only', 'startup,tests,drill', '--skip', 'tests', '--startup-runs', '9'];

    // Act
    const options = parseBenchArgs(argv);

    // Assess
    expect(options.figures).toEqual(['startup', 'drill']);
    expect(options.startupRuns).toBe(9);
  });

  it('names an unknown figure and lists the known ones', () => {
    // Prepare
    const argv = ['--only', 'startup,coldstart'];

    // Act
    const act = () => parseBenchArgs(argv);

    // Assess
    expect(act).toThrow(/--only: unknown figure coldstart \(known: overhead, detection/);
  });

  it('rejects a run count that is not a whole number of at least one', () => {
    // Prepare
    const argv = ['--world-runs', '0'];

    // Act
    const act = () => parseBenchArgs(argv);

    // Assess
    expect(act).toThrow('--world-runs must be a whole number ≥ 1 (got 0)');
  });

  it('rejects a flag without its value', () => {
    // Prepare
    const argv = ['--out'];

    // Act
    const act = () => parseBenchArgs(argv);

    // Assess
    expect(act).toThrow('--out needs a value');
  });
});
