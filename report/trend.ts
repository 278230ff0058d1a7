/**
 * Does a series of runs approach its objective? Each run is judged by the share of its own
 * objective it used (figure ÷ the objective that applied to it: plans change). Over the last
 * three runs that have a figure:
 * - close: each used at least 80 % of its objective and none missed it (within 20 % of it), or
 * - rising: each used more than the one before, and the latest used at least 80 % (the rise
 *   crossed 80 % of the objective, or is above it).
 * A series whose latest run missed is `missed` (the page already says FAIL); fewer than three
 * runs with a figure say nothing (`too-few`). Runs without a figure (dry runs, unknown) are
 * skipped: unknown is never read as zero.
 */
export const TREND_WINDOW = 3;
export const TREND_SHARE = 0.8;

export interface TrendPoint {
  run: number;
  seconds: number;
  objectiveSeconds: number;
}

export type TrendState = 'steady' | 'approaching' | 'missed' | 'too-few';

export interface Trend {
  state: TrendState;
  /** Which rule marked it approaching. */
  rule: 'close' | 'rising' | null;
  /** The runs the verdict looked at (positions among all runs). */
  runs: number[];
  /** Share of its objective each of those runs used, oldest first. */
  shares: number[];
  /** In words, for the page and the terminal. */
  text: string;
}

const percent = (share: number) => `${Math.round(share * 100)} %`;

export function trendOf(name: 'RTO' | 'RPO', points: readonly TrendPoint[]): Trend {
  const ordered = [...points].sort((a, b) => a.run - b.run);
  const last = ordered.slice(-TREND_WINDOW);
  const shares = last.map((point) =>
    point.objectiveSeconds > 0 ? point.seconds / point.objectiveSeconds : 1,
  );
  const runs = last.map((point) => point.run);
  const base = { runs, shares };
  if (last.length < TREND_WINDOW) {
    return {
      ...base,
      state: 'too-few',
      rule: null,
      text: `${name}: ${last.length} of the ${TREND_WINDOW} runs with a figure a trend needs`,
    };
  }
  const latest = shares.at(-1) ?? 0;
  const used = shares.map(percent).join(', ');
  if (latest > 1) {
    return {
      ...base,
      state: 'missed',
      rule: null,
      text: `${name}: the latest run missed its objective (${used} of it)`,
    };
  }
  const close = shares.every((share) => share >= TREND_SHARE && share <= 1);
  if (close) {
    return {
      ...base,
      state: 'approaching',
      rule: 'close',
      text: `${name} approaches its objective: the last ${TREND_WINDOW} runs each used ${percent(TREND_SHARE)} or more of it (${used})`,
    };
  }
  const rising = shares.every((share, index) => index === 0 || share > (shares[index - 1] ?? 0));
  if (rising && latest >= TREND_SHARE) {
    return {
      ...base,
      state: 'approaching',
      rule: 'rising',
      text: `${name} approaches its objective: it rose over the last ${TREND_WINDOW} runs to ${percent(latest)} of it (${used})`,
    };
  }
  return {
    ...base,
    state: 'steady',
    rule: null,
    text: `${name}: steady (last ${TREND_WINDOW} runs used ${used} of the objective)`,
  };
}
