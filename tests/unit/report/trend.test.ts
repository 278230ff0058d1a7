import { describe, expect, it } from 'vitest';
import { buildHistoryView } from '../../../report/history.ts';
import { renderHistoryHtml } from '../../../report/history-html.ts';
import type { RunReport } from '../../../report/schema.ts';
import { trendOf } from '../../../report/trend.ts';
import { loadFixture } from './support/fixtures.ts';

/** Runs with these shares of a 900 s objective, one a day. */
const points = (shares: number[], objective = 900) =>
  shares.map((share, run) => ({ run, seconds: share * objective, objectiveSeconds: objective }));

describe('trendOf', () => {
  it.each([
    ['the last three each within 20 % of the objective', [0.3, 0.85, 0.9, 0.82], 'approaching', 'close'],
    ['exactly 80 % counts as close', [0.8, 0.8, 0.8], 'approaching', 'close'],
    ['one of the last three below 80 % and no rise', [0.85, 0.79, 0.9], 'steady', null],
    ['a rise that crosses 80 %', [0.2, 0.5, 0.65, 0.81], 'approaching', 'rising'],
    ['a rise that stays under 80 %', [0.5, 0.65, 0.79], 'steady', null],
    ['a flat stretch is not a rise', [0.6, 0.6, 0.85], 'steady', null],
    ['a fall after a close run', [0.9, 0.95, 0.5], 'steady', null],
    ['the latest run over the objective', [0.5, 0.6, 1.2], 'missed', null],
    ['two runs are too few', [0.9, 0.95], 'too-few', null],
  ])('%s', (_name, shares, state, rule) => {
    // Prepare
    const series = points(shares);

    // Act
    const trend = trendOf('RTO', series);

    // Assess
    expect(trend.state).toBe(state);
    expect(trend.rule).toBe(rule);
  });

  it("judges each run by its own objective (the plan's objective changed)", () => {
    // Prepare: 700 s against 900 s is 78 %; against 800 s it is 88 %.
    const series = [
      { run: 0, seconds: 700, objectiveSeconds: 800 },
      { run: 1, seconds: 700, objectiveSeconds: 800 },
      { run: 2, seconds: 700, objectiveSeconds: 900 },
    ];

    // Act
    const trend = trendOf('RTO', series);

    // Assess
    expect(trend.shares.map((share) => Math.round(share * 100))).toEqual([88, 88, 78]);
    expect(trend.state).toBe('steady');
  });
});

function run(
  file: string,
  startedAt: string,
  rtoSeconds: number | null,
  mode: RunReport['mode'] = 'failover',
) {
  const report = loadFixture('failover-succeeded');
  report.mode = mode;
  report.execution.startedAt = startedAt;
  report.rto.seconds = rtoSeconds;
  report.rto.met = rtoSeconds === null ? null : rtoSeconds <= report.rto.objectiveSeconds;
  return { file, report };
}

describe('the history page marks a trend that approaches an objective', () => {
  it('rings the runs the rule looked at, skipping runs without a figure, and says why', () => {
    // Prepare: 900 s objective; a dry run (no figure) between the measured runs.
    const runs = [
      run('a.json', '2026-09-01T03:00:00Z', 400),
      run('b.json', '2026-09-08T03:00:00Z', 760),
      run('c.json', '2026-09-15T03:00:00Z', null, 'dry-run'),
      run('d.json', '2026-09-22T03:00:00Z', 790),
      run('e.json', '2026-09-29T03:00:00Z', 850),
    ];

    // Act
    const view = buildHistoryView(runs);
    const page = renderHistoryHtml(view);

    // Assess
    expect(view.rto.trend).toMatchObject({ state: 'approaching', rule: 'close', runs: [1, 3, 4] });
    expect(page).toContain('id="rto-trend" data-trend="approaching" data-rule="close"');
    expect(page).toContain('the last 3 runs each used 80 % or more of it (84 %, 88 %, 94 %)');
    expect(page.match(/class="trend-ring"/g)).toHaveLength(3);
    expect(page).toContain('80 % of the objective');
  });

  it('draws no mark when the runs stay clear of the objective', () => {
    // Prepare
    const runs = [
      run('a.json', '2026-09-01T03:00:00Z', 400),
      run('b.json', '2026-09-08T03:00:00Z', 420),
      run('c.json', '2026-09-15T03:00:00Z', 410),
    ];

    // Act
    const page = renderHistoryHtml(buildHistoryView(runs));

    // Assess
    expect(page).toContain('id="rto-trend" data-trend="steady"');
    expect(page).not.toContain('class="trend-ring"');
    expect(page).not.toContain('80 % of the objective');
  });
});
