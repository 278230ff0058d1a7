import { describe, expect, it } from 'vitest';
import { buildReportView, consoleUrlFor, judge } from '../../../report/view-model.ts';
import { loadFixture } from './support/fixtures.ts';

describe('buildReportView', () => {
  it('judges RTO and RPO of a successful failover against the objectives, as figures and words', () => {
    // Prepare
    const report = loadFixture('failover-succeeded');

    // Act
    const view = buildReportView(report);

    // Assess
    expect(view.rto).toMatchObject({
      figure: '468 s',
      humanFigure: '7 min 48 s',
      verdict: 'met',
      badge: 'PASS',
    });
    expect(view.rto.objectiveFigure).toBe('900 s (15 min)');
    expect(view.rto.explanation).toContain('7 min 12 s to spare');
    expect(view.rpo).toMatchObject({ figure: '4.2 s', verdict: 'met', badge: 'PASS' });
    expect(view.writesLost).toBe('37 writes');
    expect(view.replicaLag).toEqual([
      { database: 'orders', figure: '4.2 s' },
      { database: 'catalog', figure: '1 s' },
    ]);
    expect(view.detection).toBe('1 min 32 s after the outage began');
    expect(view.outcome).toEqual({ label: 'Failed over to the DR region', symbol: '✓', tone: 'good' });
    expect(view.trigger).toEqual({
      kind: 'By hand',
      requestedBy: 'alice@example.com',
      reason: 'Quarterly DR drill for the Q4 audit',
      incidentId: 'DRILL-2026-Q4',
    });
  });

  it('judges by the figures when the producer’s flag disagrees with them', () => {
    // Prepare
    const report = loadFixture('failover-succeeded');
    report.rto.seconds = 1200;
    report.rto.met = true;

    // Act
    const view = buildReportView(report);

    // Assess
    expect(view.rto.verdict).toBe('missed');
    expect(view.rto.badge).toBe('FAIL');
    expect(view.rto.explanation).toBe('Missed: 1200 s is over the 900 s objective by 5 min.');
  });

  it('shows a failed run as failed, with the error and the RTO missed because DR never served', () => {
    // Prepare
    const report = loadFixture('failover-failed');

    // Act
    const view = buildReportView(report);

    // Assess
    expect(view.outcome.label).toBe('Failed');
    expect(view.outcome.symbol).toBe('✕');
    expect(view.rto).toMatchObject({ figure: 'unknown', verdict: 'missed', badge: 'FAIL' });
    expect(view.rto.explanation).toBe('Missed: the DR endpoint never served during this run.');
    expect(view.rpo).toMatchObject({ figure: '2 s', verdict: 'met' });
    // The step's error and the report's error are the same event: listed once.
    expect(view.errors).toEqual([
      {
        step: 'Scale web',
        name: 'TaskStartFailureError',
        cause:
          'shop-web tasks stopped: CannotPullContainerError: pull image manifest has been retried 5 time(s)',
      },
    ]);
    expect(view.changesHeading).toBe('What changed');
  });

  it('lists a step error that the report’s error list does not carry', () => {
    // Prepare
    const report = loadFixture('failover-failed');
    report.errors = [];

    // Act
    const view = buildReportView(report);

    // Assess
    expect(view.errors.map((error) => `${error.step}: ${error.name}`)).toEqual([
      'Scale web: TaskStartFailureError',
    ]);
  });

  it('marks RTO and RPO as not applicable in a dry run and says what a failover would change', () => {
    // Prepare
    const report = loadFixture('dry-run');

    // Act
    const view = buildReportView(report);

    // Assess
    expect(view.isDryRun).toBe(true);
    expect(view.mode).toBe('Dry run (read only)');
    expect(view.rto).toMatchObject({ figure: 'not measured', verdict: 'not-applicable', badge: 'N/A' });
    expect(view.rpo).toMatchObject({ figure: 'not measured', verdict: 'not-applicable', badge: 'N/A' });
    expect(view.changesHeading).toBe('What a failover would change');
    expect(view.outcome.label).toBe('Dry run: a failover would proceed');
    expect(view.trigger.kind).toBe('Schedule');
    // Unknown lag is said to be unknown, never shown as zero.
    expect(view.replicaLag[1]).toEqual({
      database: 'catalog',
      figure: 'unknown (no active replication observed)',
    });
    expect(view.writesLost).toBe('unknown');
  });

  it('says unknown (not pass, not fail) when a failover’s outage start was not recorded', () => {
    // Prepare: an AWS run, whose history cannot know when the outage began.
    const report = loadFixture('failover-succeeded');
    report.target = 'aws';
    report.outage.startedAt = null;
    report.detection = { detectedAt: null, seconds: null };
    report.rto = { ...report.rto, seconds: null, met: null };
    report.rpo = { ...report.rpo, seconds: null, met: null, writesLost: null };

    // Act
    const view = buildReportView(report);

    // Assess
    expect(view.rto).toMatchObject({ figure: 'unknown', verdict: 'unknown', badge: 'UNKNOWN' });
    expect(view.rto.explanation).toContain('the moment the outage began was not recorded');
    expect(view.rpo.verdict).toBe('unknown');
    expect(view.runToServing).toBe('6 min 15 s');
    expect(view.detection).toBe('unknown');
    expect(view.timeline.rows.some((row) => row.category === 'outage')).toBe(false);
  });
});

describe('judge', () => {
  it('uses the figure first, then the producer’s flag, then unknown or not applicable', () => {
    // Prepare
    const cases = [
      judge(60, 60, null, false),
      judge(61, 60, true, false),
      judge(null, 60, false, false),
      judge(null, 60, null, false),
      judge(null, 60, null, true),
    ];

    // Act + Assess
    expect(cases).toEqual(['met', 'missed', 'missed', 'unknown', 'not-applicable']);
  });
});

describe('consoleUrlFor', () => {
  it('links AWS runs to the execution in the console of the ARN’s region, and local runs nowhere', () => {
    // Prepare
    const awsRun = loadFixture('dry-run');
    const localRun = loadFixture('failover-succeeded');

    // Act
    const awsLink = consoleUrlFor(awsRun);
    const localLink = consoleUrlFor(localRun);

    // Assess
    expect(awsLink).toBe(
      'https://us-west-2.console.aws.amazon.com/states/home?region=us-west-2#/v2/executions/details/arn:aws:states:us-west-2:123456789012:execution:shop-failover:dry-run-2026-W47',
    );
    expect(localLink).toBeNull();
  });

  it('drops a console link that is not http(s)', () => {
    // Prepare
    const report = loadFixture('dry-run');
    report.execution.consoleUrl = 'javascript:alert(1)';

    // Act
    const link = consoleUrlFor(report);

    // Assess
    expect(link).toBeNull();
  });
});
