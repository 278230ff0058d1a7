import { describe, expect, it } from 'vitest';
import { drillExitCode } from '../../../cli/drill/outputs.ts';
import { createStyle } from '../../../cli/terminal/style.ts';
import { renderSummary } from '../../../cli/terminal/summary.ts';
import { loadFixture } from './support/fixtures.ts';

/** The drill summary, a terminal view of the run report, and the drill's exit status. */
const plain = createStyle(false);

describe('the drill summary', () => {
  it('says which detection path fired, how traffic moved and that no required call reached the failed region', () => {
    // Prepare
    const report = loadFixture('failover-fenced');

    // Act
    const text = renderSummary(report, plain);

    // Assess
    expect(text).toContain('outcome    FAILED OVER');
    expect(text).toMatch(
      /detection {2}92 s .*, by the DR-side probe \(alarm shop-primary-unreachable-from-dr in us-west-2\)/,
    );
    expect(text).toContain(
      'traffic    moved through the data plane (traffic gate in us-west-2, no Route 53 API call); DNS answers dr.shop.example.com (dr)',
    );
    expect(text).toContain(
      'calls      no required call reached us-east-1 or the Route 53 API (224 calls counted; 203 best-effort calls to us-east-1, all failed)',
    );
  });

  it('names the required calls that reached the failed region or the Route 53 API', () => {
    // Prepare
    const report = loadFixture('failover-fenced');
    report.dependencies?.push(
      {
        service: 'route53',
        region: 'us-east-1',
        operation: 'ChangeResourceRecordSets',
        calls: 2,
        failed: 2,
        required: true,
      },
      {
        service: 'rds',
        region: 'us-east-1',
        operation: 'DescribeDBInstances',
        calls: 0,
        failed: 0,
        required: true,
      },
    );

    // Act
    const text = renderSummary(report, plain);

    // Assess: a row counted zero did not reach anything.
    expect(text).toContain(
      'calls      required calls reached us-east-1 or the Route 53 API: route53 ChangeResourceRecordSets (the Route 53 API) ×2 (',
    );
    expect(text).not.toContain('rds DescribeDBInstances (us-east-1) ×0');
  });

  it('has the decision, confirmation and fencing lines, and names what could not be fenced', () => {
    // Prepare
    const report = loadFixture('failover-fenced');

    // Act
    const text = renderSummary(report, plain);

    // Assess
    expect(text).toContain(
      'decision   approved by alice (written by arn:aws:sts::123456789012:assumed-role/oncall/alice) at 10:03:01 UTC: "customers cannot check out"; accepted up to 300 s of data loss for this run',
    );
    expect(text).toContain(
      'confirm    primary re-checked from us-west-2: still down; RPO over, accepted by alice',
    );
    expect(text).toContain('fencing    old primary (15 passes): 1 of 3 fenced, 1 pending');
    expect(text).toContain('failed rds:us-east-1:shop-orders: read_only=1: uses the default parameter group');
    expect(text).toContain(
      'RPO        37 writes lost (4.2 s of writes not on the replica), 0 diverged on the old primary',
    );
  });

  it('reads a run that made no change as such, with its reason, never as a failover', () => {
    // Prepare
    const report = loadFixture('failover-fenced');
    report.outcome = 'no-change';
    report.noChangeReason = 'stood-down';
    report.noChangeDetail = 'primary recovered before the point of no return: it answers HTTP 200';
    report.decision = null;
    report.fencing = null;
    report.traffic = null;

    // Act
    const text = renderSummary(report, plain);

    // Assess
    expect(text).toContain(
      'outcome    NO CHANGE: stood down (the primary answered again before the point of no return); nothing was changed',
    );
    expect(text).toContain('primary recovered before the point of no return: it answers HTTP 200');
    expect(text).not.toContain('FAILED OVER');
    expect(text).toContain('RTO / RPO  not measured: the run made no change');
    expect(drillExitCode(report)).toBe(1);
  });

  it('reads a dry run whose failover would wait for a decision as such, with the reasons, and exits 1', () => {
    // Prepare
    const report = loadFixture('dry-run');
    report.outcome = 'would-wait-for-decision';
    report.noChangeDetail =
      "a failover started now would wait for a person's decision before the point of no return: the RPO guard cannot accept the replica lag";

    // Act
    const text = renderSummary(report, plain);

    // Assess
    expect(text).toContain("outcome    WOULD WAIT FOR A PERSON'S DECISION (dry run: nothing changed)");
    expect(text).toContain('the RPO guard cannot accept the replica lag');
    expect(text).not.toContain('WOULD FAIL OVER');
    expect(drillExitCode(report)).toBe(1);
  });

  it('reads a dry run of a plan already failed over as no change, and exits 1', () => {
    // Prepare
    const report = loadFixture('dry-run');
    report.outcome = 'no-change';
    report.noChangeReason = 'already-failed-over';
    report.changes = [];

    // Act
    const text = renderSummary(report, plain);

    // Assess
    expect(text).toContain(
      'outcome    NO CHANGE: already failed over (nothing was left to change on the DR side)',
    );
    expect(drillExitCode(report)).toBe(1);
  });

  it('keeps summarizing reports written before these fields existed', () => {
    // Prepare
    const report = loadFixture('failover-succeeded');

    // Act
    const text = renderSummary(report, plain);

    // Assess
    expect(text).toContain('outcome    FAILED OVER');
    expect(text).not.toMatch(/^ {2}(decision|confirm|traffic|calls|fencing) /m);
    expect(text).toContain('diverged writes not measured');
  });
});

describe('the drill exit status', () => {
  it('is 0 only for a failover within the objectives, 1 for a failure, a missed objective or no change', () => {
    // Prepare
    const ok = loadFixture('failover-fenced');
    const failed = loadFixture('failover-failed');
    const missed = loadFixture('failover-fenced');
    missed.rpo.met = false;
    const noChange = loadFixture('failover-fenced');
    noChange.outcome = 'no-change';
    noChange.noChangeReason = 'decision-timed-out';

    // Act + Assess
    expect(drillExitCode(ok)).toBe(0);
    expect(drillExitCode(failed)).toBe(1);
    expect(drillExitCode(missed)).toBe(1);
    expect(drillExitCode(noChange)).toBe(1);
    expect(drillExitCode(loadFixture('dry-run'))).toBe(0);
  });
});
