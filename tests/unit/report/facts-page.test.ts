import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../report/html.ts';
import { buildTimeline } from '../../../report/timeline.ts';
import { buildReportView } from '../../../report/view-model.ts';
import { loadFixture } from './support/fixtures.ts';

/**
 * The evidence page on the point of no return (issue 10 item 5) and on the recovery's
 * dependencies (issue 9): decision, confirmation and fencing on the timeline, the dependencies
 * listed required first with what the outage takes down marked in words.
 */
const HOSTILE = `<script>alert("x")</script>`;

function timelineRows(page: string): { category: string; step: string; outcome: string }[] {
  return [
    ...page.matchAll(
      /<g class="timeline-row[^"]*"[^>]*data-category="([^"]+)"[^>]*data-step="([^"]*)" data-outcome="([^"]*)"/g,
    ),
  ].map((match) => ({ category: match[1] ?? '', step: match[2] ?? '', outcome: match[3] ?? '' }));
}

describe('the point of no return on the evidence page', () => {
  it('puts the confirmation, the decision and one fencing row per resource on the timeline', () => {
    // Prepare
    const report = loadFixture('failover-fenced');

    // Act
    const page = renderReportHtml(report);

    // Assess
    const rows = timelineRows(page);
    const fence = rows.findIndex((row) => row.step === 'Fence old primary');
    expect(rows.map((row) => row.step)).toEqual(
      expect.arrayContaining(['Decision', 'Confirm', 'Fence old primary']),
    );
    // The fencing rows follow their step, one per resource, in the report's order.
    expect(rows.slice(fence + 1, fence + 5)).toEqual([
      { category: 'fencing', step: '↳ ecs:us-east-1:shop/shop-web', outcome: 'unknown' },
      { category: 'fencing', step: '↳ rds:us-east-1:shop-orders', outcome: 'failed' },
      { category: 'fencing', step: '↳ rds:us-east-1:shop-catalog', outcome: 'succeeded' },
      { category: 'fencing', step: '↳ route53:Z0SHOP:www.shop.example.com CNAME', outcome: 'succeeded' },
    ]);
    expect(page).toContain('approved by alice');
    expect(page).toContain('data-marker="decided"');
    expect(page).toContain('data-marker="point-of-no-return"');
    // The fencing table says each outcome in words.
    expect(page).toMatch(/data-fence="failed"><td class="mono">rds:us-east-1:shop-orders<\/td>/);
    expect(page).toContain('<strong>… pending</strong>');
  });

  it('says who decided, when, why and the loss accepted, and what the confirmation saw', () => {
    // Prepare
    const report = loadFixture('failover-fenced');

    // Act
    const view = buildReportView(report);

    // Assess
    expect(view.decision).toEqual([
      { term: 'Outcome', text: 'Approved' },
      { term: 'Asked because', text: expect.stringContaining('the RPO guard cannot accept') },
      { term: 'Asked at', text: '2026-11-20 10:01:36 UTC' },
      { term: 'Decided by', text: 'alice (written by arn:aws:sts::123456789012:assumed-role/oncall/alice)' },
      { term: 'Decided at', text: '2026-11-20 10:03:01 UTC' },
      { term: 'Why', text: 'customers cannot check out' },
      { term: 'Accepted loss', text: 'up to 300 s of data loss, for this run only' },
      { term: 'Looked', text: '3 times' },
    ]);
    expect(view.confirmation[0]).toEqual({
      term: 'Primary',
      text: 'Re-checked from the DR region: still down (https://primary.shop.example.com/health: connection refused)',
    });
    expect(view.traffic).toContain('through the data plane');
    expect(view.detectionPath).toContain('DR-side probe');
    const timeline = buildTimeline(report);
    expect(timeline.rows.find((row) => row.label === 'Decision')?.statusText).toBe('approved by alice');
    expect(timeline.rows.find((row) => row.label === 'Fence old primary')).toMatchObject({
      statusText: '1 of 3 fenced',
      symbol: '✕',
    });
  });

  it('an unknown accepted loss reads as such, never as a number', () => {
    // Prepare
    const report = loadFixture('failover-fenced');
    if (report.decision) {
      report.decision.acceptedLossSeconds = null;
      report.decision.acceptedUnknownLoss = true;
    }

    // Act
    const view = buildReportView(report);

    // Assess
    expect(view.decision.find((line) => line.term === 'Accepted loss')?.text).toBe(
      'unknown accepted ("accept unknown data loss")',
    );
  });

  it('escapes the decision and fencing texts', () => {
    // Prepare
    const report = loadFixture('failover-fenced');
    if (report.decision) report.decision.reason = HOSTILE;
    if (report.fencing?.resources[0]) report.fencing.resources[0].detail = HOSTILE;

    // Act
    const page = renderReportHtml(report);

    // Assess
    expect(page).not.toContain('<script');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('reads a run that changed nothing as no change, its RTO and RPO not measured', () => {
    // Prepare
    const report = loadFixture('failover-fenced');
    report.outcome = 'no-change';
    report.noChangeReason = 'decision-timed-out';
    report.noChangeDetail = "nobody decided within the plan's approval timeout";
    report.rto = { ...report.rto, seconds: null, met: null, servingAt: null };
    report.rpo = { ...report.rpo, seconds: null, writesLost: null, met: null };

    // Act
    const view = buildReportView(report);

    // Assess
    expect(view.outcome).toEqual({
      label: 'No change: nobody decided in time',
      symbol: '–',
      tone: 'neutral',
    });
    expect(view.rto.badge).toBe('N/A');
    expect(view.rto.explanation).toBe(
      'Not measured: the run made no change (decision timed out), so there is no RTO to measure.',
    );
    expect(view.rpo.badge).toBe('N/A');
  });

  it('misses the RPO when an old primary took writes, whatever the seconds of lag', () => {
    // Prepare
    const report = loadFixture('failover-fenced');
    report.rpo.writesDiverged = 4_000;

    // Act
    const view = buildReportView(report);

    // Assess
    expect(report.rpo.seconds).toBeLessThan(report.rpo.objectiveSeconds);
    expect(view.rpo.verdict).toBe('missed');
    expect(view.rpo.explanation).toContain('4000 writes diverged');
    expect(view.writesDiverged).toContain('4000 writes diverged');
  });
});

describe('the dependencies on the evidence page', () => {
  it('lists them required first, marks calls into the failed region, and says the verdict in words', () => {
    // Prepare
    const report = loadFixture('failover-fenced');

    // Act
    const view = buildReportView(report);
    const page = renderReportHtml(report);

    // Assess
    expect(view.dependencies?.verdict).toBe(
      'No required call reached us-east-1 (the failed region) or the Route 53 API (control plane).',
    );
    expect(view.dependencies?.rows.map((row) => row.required)).toEqual([true, true, true, false, false]);
    expect(view.dependencies?.rows.filter((row) => row.intoFailure).map((row) => row.whereText)).toEqual([
      '⚠ failed region',
      '⚠ failed region',
    ]);
    expect(page).toContain('id="dependencies"');
    expect((page.match(/data-into-failure="true"/g) ?? []).length).toBe(2);
  });

  it('names a required call to the Route 53 API as one the outage takes down', () => {
    // Prepare
    const report = loadFixture('failover-fenced');
    report.dependencies?.push({
      service: 'route53',
      region: 'us-east-1',
      operation: 'ChangeResourceRecordSets',
      calls: 1,
      failed: 1,
      required: true,
    });

    // Act
    const view = buildReportView(report);

    // Assess
    expect(view.dependencies?.verdictTone).toBe('bad');
    expect(view.dependencies?.verdict).toContain('route53 ChangeResourceRecordSets (the Route 53 API)');
  });

  it('keeps rendering reports written before these fields existed', () => {
    // Prepare
    const report = loadFixture('failover-succeeded');

    // Act
    const view = buildReportView(report);
    const page = renderReportHtml(report);

    // Assess
    expect(view.dependencies).toBeNull();
    expect(view.decision).toEqual([]);
    expect(view.writesDiverged).toBe('not measured');
    expect(page).not.toContain('id="dependencies"');
    expect(page).not.toContain('id="point-of-no-return"');
  });
});
