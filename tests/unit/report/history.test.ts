import { describe, expect, it } from 'vitest';
import { buildHistoryView } from '../../../cli/report/history.ts';
import { niceStep, renderHistoryHtml } from '../../../cli/report/history-html.ts';
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

describe('niceStep', () => {
  it('chooses 1-2-5 grid steps', () => {
    // Prepare + Act
    const steps = [990, 66, 4].map(niceStep);

    // Assess
    expect(steps).toEqual([500, 20, 1]);
  });
});
