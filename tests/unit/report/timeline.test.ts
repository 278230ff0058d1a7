import { describe, expect, it } from 'vitest';
import type { ReportStep } from '../../../report/schema.ts';
import { buildTimeline, chooseTicks, orderSteps } from '../../../report/timeline.ts';
import { loadFixture } from './support/fixtures.ts';

function step(name: string, startedAt: string | null, endedAt: string | null): ReportStep {
  return {
    step: name,
    kind: 'other',
    startedAt,
    endedAt,
    outcome: startedAt ? 'succeeded' : 'skipped',
    retries: 0,
  };
}

describe('buildTimeline', () => {
  it('puts the outage, its detection, then every step on its own row in time order', () => {
    // Prepare
    const report = loadFixture('failover-succeeded');

    // Act
    const timeline = buildTimeline(report);

    // Assess
    expect(timeline.rows.map((row) => row.label)).toEqual([
      'Outage (primary region lost)',
      'Detection',
      'Preflight',
      'Notify started',
      'Promote orders',
      'Promote catalog',
      'Scale web',
      'Scale api',
      'Scale worker',
      'Switch DNS',
      'Verify DR endpoint',
      'Notify result',
    ]);
    expect(timeline.originIso).toBe('2026-11-20T10:00:00.000Z');
    const outage = timeline.rows[0];
    expect([outage?.start, outage?.end]).toEqual([0, 468]);
    expect(timeline.rows[1]).toMatchObject({ start: 0, end: 92, statusText: 'detected after 1 min 32 s' });
  });

  it('groups the steps that overlap in time (promotions and scaling) as one parallel block', () => {
    // Prepare
    const report = loadFixture('failover-succeeded');

    // Act
    const timeline = buildTimeline(report);

    // Assess
    expect(timeline.parallelGroups).toEqual([{ id: 1, firstRow: 4, lastRow: 8 }]);
    const grouped = timeline.rows.filter((row) => row.parallelGroup === 1).map((row) => row.label);
    expect(grouped).toEqual(['Promote orders', 'Promote catalog', 'Scale web', 'Scale api', 'Scale worker']);
    expect(timeline.rows.find((row) => row.label === 'Switch DNS')?.parallelGroup).toBeNull();
  });

  it('marks retries and failures with symbols and words', () => {
    // Prepare
    const succeeded = loadFixture('failover-succeeded');
    const failed = loadFixture('failover-failed');

    // Act
    const promoteOrders = buildTimeline(succeeded).rows.find((row) => row.label === 'Promote orders');
    const scaleWeb = buildTimeline(failed).rows.find((row) => row.label === 'Scale web');

    // Assess
    expect(promoteOrders).toMatchObject({
      retries: 1,
      retryText: '↻ 1 retry',
      symbol: '✓',
      statusText: 'succeeded',
    });
    expect(scaleWeb).toMatchObject({
      outcome: 'failed',
      symbol: '✕',
      statusText: 'failed',
      retryText: '↻ 2 retries',
      durationText: '10 min',
    });
    expect(scaleWeb?.errorText).toContain('TaskStartFailureError: shop-web tasks stopped');
  });

  it('keeps a step that never ran where the report put it, without a bar', () => {
    // Prepare
    const report = loadFixture('failover-failed');

    // Act
    const labels = buildTimeline(report).rows.map((row) => row.label);
    const dns = buildTimeline(report).rows.find((row) => row.label === 'Switch DNS');

    // Assess
    expect(labels.indexOf('Switch DNS')).toBe(labels.indexOf('Scale worker') + 1);
    expect(dns).toMatchObject({ start: null, end: null, outcome: 'skipped', durationText: 'time unknown' });
  });

  it('draws the outage of a failed run as open up to the last moment the report knows', () => {
    // Prepare
    const report = loadFixture('failover-failed');

    // Act
    const timeline = buildTimeline(report);

    // Assess: the RTO deadline widens the axis, but the outage bar stops at the run's end.
    expect(timeline.spanSeconds).toBe(900);
    expect(timeline.observedUntil).toBe(724);
    expect(timeline.rows[0]).toMatchObject({
      open: true,
      end: null,
      statusText: 'the DR region never served in this run',
    });
    // The first promotion started: the point of no return is marked where it was passed.
    expect(timeline.markers.map((marker) => marker.kind)).toEqual([
      'outage',
      'detected',
      'point-of-no-return',
      'rto-objective',
    ]);
  });

  it('shows a dry run without outage or detection rows, starting at the run itself', () => {
    // Prepare
    const report = loadFixture('dry-run');

    // Act
    const timeline = buildTimeline(report);

    // Assess
    expect(timeline.rows.map((row) => row.category)).toEqual(['step', 'step']);
    expect(timeline.markers).toEqual([]);
    expect(timeline.spanSeconds).toBe(4);
  });

  it('leaves a running step open and extends the axis to when the report was written', () => {
    // Prepare
    const report = loadFixture('failover-succeeded');
    report.execution.status = 'RUNNING';
    report.execution.stoppedAt = null;
    report.outcome = 'running';
    report.outage.startedAt = null;
    report.detection = { detectedAt: null, seconds: null };
    report.rto = { ...report.rto, seconds: null, met: null, servingAt: null };
    report.steps = report.steps
      .slice(0, 3)
      .map((entry, index) =>
        index === 2 ? { ...entry, endedAt: null, outcome: 'running' as const } : entry,
      );
    report.generatedAt = '2026-11-20T10:03:33Z';

    // Act
    const timeline = buildTimeline(report);

    // Assess
    const running = timeline.rows.at(-1);
    expect(running).toMatchObject({ label: 'Promote orders', open: true, outcome: 'running', symbol: '…' });
    expect(timeline.observedUntil).toBe(120);
  });
});

describe('orderSteps', () => {
  it('orders by start time, keeps ties and unstarted steps in report order', () => {
    // Prepare
    const steps = [
      step('late', '2026-01-01T00:00:10Z', '2026-01-01T00:00:11Z'),
      step('never ran', null, null),
      step('first', '2026-01-01T00:00:01Z', '2026-01-01T00:00:02Z'),
      step('tie a', '2026-01-01T00:00:05Z', '2026-01-01T00:00:06Z'),
      step('tie b', '2026-01-01T00:00:05Z', '2026-01-01T00:00:07Z'),
    ];

    // Act
    const ordered = orderSteps(steps).map((entry) => entry.step);

    // Assess
    expect(ordered).toEqual(['first', 'tie a', 'tie b', 'late', 'never ran']);
  });
});

describe('chooseTicks', () => {
  it('picks round steps and labels them as offsets', () => {
    // Prepare + Act
    const ticks = chooseTicks(900);

    // Assess
    expect(ticks.map((tick) => tick.label)).toEqual([
      '+0:00',
      '+2:00',
      '+4:00',
      '+6:00',
      '+8:00',
      '+10:00',
      '+12:00',
      '+14:00',
    ]);
  });
});
