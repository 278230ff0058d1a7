import { describe, expect, it } from 'vitest';
import { buildHistoryView } from '../../../report/history.ts';
import { niceStep, renderHistoryHtml } from '../../../report/history-html.ts';
import { loadFixture } from './support/fixtures.ts';

function inputs() {
  return (['failover-failed', 'dry-run', 'failover-succeeded'] as const).map((name) => ({
    file: `${name}.json`,
    report: loadFixture(name),
  }));
}

describe('buildHistoryView', () => {
  it('orders runs by start and judges each against its own objectives', () => {
    // Prepare
    const runs = inputs();
    const succeeded = runs.find((run) => run.file === 'failover-succeeded.json');
    if (succeeded) succeeded.report.rto.objectiveSeconds = 300;

    // Act
    const view = buildHistoryView(runs);

    // Assess
    expect(view.rows.map((row) => row.file)).toEqual([
      'dry-run.json',
      'failover-succeeded.json',
      'failover-failed.json',
    ]);
    expect(view.rows.map((row) => row.rto.verdict)).toEqual(['not-applicable', 'missed', 'missed']);
    expect(view.rto.points).toEqual([
      expect.objectContaining({ run: 1, seconds: 468, objectiveSeconds: 300, verdict: 'missed' }),
    ]);
    expect(view.rto.objectives).toEqual([900, 300, 900]);
    // The failed run never served: no figure, but a missed objective that the chart shows.
    expect(view.rto.missedWithoutFigure).toEqual([expect.objectContaining({ run: 2 })]);
    expect(view.rto.unplotted).toBe(1);
    expect(view.rpo.points.map((point) => point.seconds)).toEqual([4.2, 2]);
    expect(view.summary).toEqual({ runs: 3, rtoMet: 0, rtoMissed: 2, rpoMet: 2, rpoMissed: 0 });
  });

  it('never plots an unknown figure as zero', () => {
    // Prepare
    const runs = inputs().filter((run) => run.report.mode === 'dry-run');

    // Act
    const view = buildHistoryView(runs);
    const page = renderHistoryHtml(view);

    // Assess
    expect(view.rto.points).toEqual([]);
    expect(page).not.toContain('class="history-point"');
    expect(page).toContain('1 run(s) without a RTO verdict');
  });
});

describe('buildHistoryView with reports old and new', () => {
  it('reads reports from before and after the point of no return side by side, no change as not measured', () => {
    // Prepare
    const runs = inputs();
    const fenced = loadFixture('failover-fenced');
    fenced.execution.startedAt = '2026-11-21T10:00:00Z';
    const diverged = loadFixture('failover-fenced');
    diverged.execution.startedAt = '2026-11-22T10:00:00Z';
    diverged.rpo.writesDiverged = 120;
    const timedOut = loadFixture('failover-fenced');
    timedOut.execution.startedAt = '2026-11-23T10:00:00Z';
    timedOut.outcome = 'no-change';
    timedOut.noChangeReason = 'decision-timed-out';
    timedOut.rto = { ...timedOut.rto, seconds: null, met: null, servingAt: null };
    timedOut.rpo = { ...timedOut.rpo, seconds: null, writesLost: null, writesDiverged: null, met: null };
    runs.push(
      { file: 'fenced.json', report: fenced },
      { file: 'diverged.json', report: diverged },
      { file: 'timed-out.json', report: timedOut },
    );

    // Act
    const view = buildHistoryView(runs);

    // Assess
    const row = (file: string) => view.rows.find((entry) => entry.file === file);
    expect(row('fenced.json')?.rpo.verdict).toBe('met');
    // Writes an old primary took miss the RPO whatever the seconds of lag.
    expect(row('diverged.json')?.rpo.verdict).toBe('missed');
    expect(row('timed-out.json')).toMatchObject({
      outcome: '– no change (decision timed out)',
      rto: { verdict: 'not-applicable' },
      rpo: { verdict: 'not-applicable' },
    });
  });
});

describe('niceStep', () => {
  it('chooses 1-2-5 grid steps', () => {
    // Prepare + Act
    const steps = [990, 66, 4].map(niceStep);

    // Assess
    expect(steps).toEqual([500, 20, 1]);
  });
});
