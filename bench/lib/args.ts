export const FIGURE_KEYS = ['overhead', 'detection', 'scale', 'startup', 'drill', 'tests', 'cost'] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

export interface BenchOptions {
  figures: FigureKey[];
  /**
   * Failovers per world figure (1 and 3; detection always runs at least 4, spread over the alarm period). One run at scale 10
   * varies less than the median of three at scale 50: the scale multiplies the world's compute.
   */
  worldRuns: number;
  /** Simulated seconds per wall second in the world figures. */
  worldScale: number;
  /** Fresh-process imports per bundle (4). */
  startupRuns: number;
  drillRuns: number;
  testRuns: number;
  out: string;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  figures: [...FIGURE_KEYS],
  worldRuns: 1,
  worldScale: 10,
  startupRuns: 15,
  drillRuns: 3,
  testRuns: 1,
  out: 'bench/results/latest.json',
};

export const USAGE = `usage: tsx bench/run.ts [--only ${FIGURE_KEYS.join(',')}] [--skip ...] [--quick]
  [--world-runs N] [--world-scale N] [--startup-runs N] [--drill-runs N] [--test-runs N] [--out FILE]`;

const COUNT_FLAGS = {
  '--world-runs': 'worldRuns',
  '--world-scale': 'worldScale',
  '--startup-runs': 'startupRuns',
  '--drill-runs': 'drillRuns',
  '--test-runs': 'testRuns',
} as const;

/** Parses bench/run.ts arguments; throws a message naming the bad argument. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULT_OPTIONS, figures: [...DEFAULT_OPTIONS.figures] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === '--quick') {
      Object.assign(options, { worldRuns: 1, worldScale: 50, startupRuns: 7, drillRuns: 1, testRuns: 1 });
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
    i++;
    if (flag === '--only') options.figures = figureList(value, flag);
    else if (flag === '--skip') {
      const skipped = new Set(figureList(value, flag));
      options.figures = options.figures.filter((figure) => !skipped.has(figure));
    } else if (flag === '--out') options.out = value;
    else if (flag in COUNT_FLAGS) options[COUNT_FLAGS[flag as keyof typeof COUNT_FLAGS]] = count(value, flag);
    else throw new Error(`unknown argument ${flag}\n${USAGE}`);
  }
  return options;
}

function figureList(value: string, flag: string): FigureKey[] {
  const names = value.split(',').filter((name) => name !== '');
  const unknown = names.filter((name) => !(FIGURE_KEYS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`${flag}: unknown figure ${unknown.join(', ')} (known: ${FIGURE_KEYS.join(', ')})`);
  return names as FigureKey[];
}

function count(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new Error(`${flag} must be a whole number ≥ 1 (got ${value})`);
  return parsed;
}
