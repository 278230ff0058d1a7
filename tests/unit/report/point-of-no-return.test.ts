import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../plan/load.ts';
import { stepsFromHistory } from '../../../report/execution-steps.ts';
import { reportFromExecution } from '../../../report/from-execution.ts';
import { runReportSchema } from '../../../report/schema.ts';
import { HistoryBuilder } from './support/history-builder.ts';
import { failedFailover, failoverRun, type ShopExecution } from './support/shop-executions.ts';

/**
 * The report of the point of no return (issue 10) and of the traffic switch (issue 9), built from
 * AWS-shaped histories of statemachines/failover.asl.json: the decision, the confirmation, the
 * runs that end with no change, fencing, how traffic moved, and the declared dependencies.
 */
const PLAN = {
  name: 'shop',
  regions: { primary: 'us-east-1', dr: 'us-west-2' },
  objectives: { rtoSeconds: 900, rpoSeconds: 60 },
};
const REFERENCE_PLAN = loadPlanFile(new URL('../../../drctl.plan.yaml', import.meta.url).pathname);
const GENERATED = new Date('2026-11-20T11:00:00Z');

function reportOf(run: ShopExecution, plan: Parameters<typeof reportFromExecution>[1] = PLAN) {
  const report = reportFromExecution({ execution: run.describe, events: run.events }, plan, {
    generatedAt: GENERATED,
  });
  expect(runReportSchema.safeParse(report).success).toBe(true);
  return report;
}

describe('the decision before the point of no return', () => {
  it('records who approved, when, why and the loss accepted, and the decision loop is one step', () => {
    // Prepare
    const run = failoverRun({
      requestedBy: 'alarm:shop-primary-unreachable-from-dr',
      decision: { outcome: 'approved', checks: 4, acceptDataLossSeconds: 300 },
    });

    // Act
    const report = reportOf(run);

    // Assess
    expect(report.outcome).toBe('failed-over');
    expect(report.decision).toEqual({
      required: true,
      reasons: ['the RPO guard cannot accept the replica lag'],
      status: 'approved',
      requestedAt: '2026-11-20T10:00:03.000Z',
      decidedAt: '2026-11-20T10:02:02.000Z',
      author: 'arn:aws:sts::123456789012:assumed-role/oncall/alice',
      decidedBy: 'alice',
      reason: 'customers cannot check out',
      acceptedLossSeconds: 300,
      acceptedUnknownLoss: false,
      checks: 4,
    });
    const decisions = report.steps.filter((step) => step.kind === 'decision');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      step: 'Decision',
      startedAt: '2026-11-20T10:00:03.000Z',
      endedAt: '2026-11-20T10:02:08.000Z',
      outcome: 'succeeded',
    });
    expect(decisions[0]?.result).toContain('approved by alice (written by arn:aws:sts::123456789012');
    expect(decisions[0]?.result).toContain('accepts up to 300 s of data loss');
    expect(report.confirmation).toMatchObject({ primaryChecked: true, primary: 'down', acceptedBy: 'alice' });
  });

  it('a denied run ends with no change and says who denied it', () => {
    // Prepare
    const run = failoverRun({ decision: { outcome: 'denied', checks: 2 } });

    // Act
    const report = reportOf(run);

    // Assess
    expect(report.execution.status).toBe('SUCCEEDED');
    expect(report.outcome).toBe('no-change');
    expect(report.noChangeReason).toBe('denied');
    expect(report.noChangeDetail).toBe('denied by alice: "primary is coming back"');
    expect(report.steps.map((step) => step.step)).toEqual(['Preflight', 'Decision', 'Notify denied']);
    expect(report.decision?.status).toBe('denied');
    expect(report.changes).toEqual([]);
    expect(report.errors).toEqual([]);
  });

  it('a decision nobody made times out with no change', () => {
    // Prepare
    const run = failoverRun({ decision: { outcome: 'timed-out', checks: 60 } });

    // Act
    const report = reportOf(run);

    // Assess
    expect(report.outcome).toBe('no-change');
    expect(report.noChangeReason).toBe('decision-timed-out');
    expect(report.decision).toMatchObject({ status: 'timed-out', checks: 60, decidedBy: null });
    expect(report.steps.find((step) => step.kind === 'decision')?.result).toBe(
      'nobody decided after 60 checks: timed out, nothing changed',
    );
    expect(report.steps.at(-1)?.step).toBe('Notify decision timed out');
    expect(report.confirmation).toBeNull();
    expect(report.fencing).toBeNull();
  });

  it('a run that waits reads as waiting, not as a finished step', () => {
    // Prepare: the decision request went out and the first look found nothing yet.
    const history = new HistoryBuilder(new Date('2026-11-20T10:00:00Z'), { mode: 'failover' });
    history.main.task({
      state: 'Preflight',
      input: {},
      start: 0,
      end: 3,
      output: { rpo: { verdict: 'over' } },
    });
    history.main.task({ state: 'RequestDecision', input: {}, start: 3, end: 4 });
    history.main.pass('Pass', 'StartWaiting', 4);
    history.main.pass('Wait', 'WaitForDecision', 4, 34);
    history.main.task({
      state: 'CheckDecision',
      input: {},
      start: 34,
      end: 35,
      output: { status: 'pending', attempt: 1, decision: null, problem: null },
    });
    history.main.pass('Choice', 'DecisionMade', 35);

    // Act
    const waiting = stepsFromHistory(history.build(), true).steps.find((step) => step.kind === 'decision');

    // Assess
    expect(waiting).toMatchObject({ step: 'Decision', outcome: 'running', endedAt: null });
    expect(waiting?.result).toBe("waiting for a person's decision (1 check so far)");
  });
});

describe('the runs that end with no change', () => {
  it('stands down when the primary answers again at the confirmation: no error, no change', () => {
    // Prepare
    const run = failoverRun({ requestedBy: 'alarm:shop-primary-endpoint-unhealthy', standDown: true });

    // Act
    const report = reportOf(run);

    // Assess
    expect(report.outcome).toBe('no-change');
    expect(report.noChangeReason).toBe('stood-down');
    expect(report.noChangeDetail).toContain('primary recovered before the point of no return');
    expect(report.confirmation).toMatchObject({ primaryChecked: true, primary: 'answered' });
    const confirm = report.steps.find((step) => step.step === 'Confirm');
    expect(confirm).toMatchObject({ outcome: 'succeeded' });
    expect(confirm?.error).toBeUndefined();
    expect(confirm?.result).toMatch(/^stood down, nothing changed: primary recovered/);
    expect(report.errors).toEqual([]);
    expect(report.steps.some((step) => step.kind === 'promote')).toBe(false);
  });

  it('a run the lock refuses is skipped, not failed', () => {
    // Prepare
    const run = failoverRun({ skipped: true });

    // Act
    const report = reportOf(run);

    // Assess
    expect(report.outcome).toBe('no-change');
    expect(report.noChangeReason).toBe('skipped');
    expect(report.noChangeDetail).toBe(
      'Another failover is running: execution first started 2026-11-20T09:59:00.000Z.',
    );
    expect(report.steps.map((step) => `${step.step}:${step.outcome}`)).toEqual([
      'Preflight:succeeded',
      'Notify skipped:succeeded',
    ]);
    expect(report.errors).toEqual([]);
  });
});

describe('fencing, traffic and detection', () => {
  it('reports fencing per resource; the traffic row is closed by the switch that came after it', () => {
    // Prepare
    const run = failoverRun({ fencePasses: 4 });

    // Act
    const report = reportOf(run);

    // Assess
    expect(report.fencing?.attempts).toBe(4);
    expect(report.fencing?.resources.map((resource) => `${resource.kind}:${resource.outcome}`)).toEqual([
      'service:fenced',
      'database:fenced',
      'traffic:fenced',
    ]);
    expect(report.fencing?.resources[2]?.detail).toContain('closed by the traffic switch');
    expect(report.steps.find((step) => step.kind === 'fence')?.result).toBe(
      'old primary: 2 of 2 fenced after 4 passes',
    );
  });

  it('a failover that fails leaves fencing pending and its loop stopped, not succeeded', () => {
    // Act
    const report = reportOf(failedFailover());

    // Assess
    expect(report.fencing?.resources.map((resource) => resource.outcome)).toEqual([
      'pending',
      'pending',
      'pending',
    ]);
    const fence = report.steps.find((step) => step.kind === 'fence');
    expect(fence).toMatchObject({ outcome: 'unknown', detail: expect.stringContaining('stopped before') });
    expect(report.traffic).toBeNull();
  });

  it('says traffic moved through the data plane and what DNS answered', () => {
    // Act
    const report = reportOf(failoverRun());

    // Assess
    expect(report.traffic).toEqual({
      via: 'data-plane',
      answer: 'dr.shop.example.com',
      trafficTo: 'dr',
      detail: 'DNS answers dr.shop.example.com for www.shop.example.com',
    });
    expect(report.steps.find((step) => step.step === 'Switch traffic')?.result).toContain(
      'through the data plane',
    );
  });

  it('names the detection path from the alarm that started the run', () => {
    // Act
    const fast = reportOf(failoverRun({ requestedBy: 'alarm:shop-primary-endpoint-unhealthy' }));
    const probe = reportOf(failoverRun({ requestedBy: 'alarm:shop-primary-unreachable-from-dr' }));
    const byHand = reportOf(failoverRun({ requestedBy: 'alice' }));

    // Assess
    expect(fast.detection).toMatchObject({
      path: 'route53-health-check',
      alarm: 'shop-primary-endpoint-unhealthy',
    });
    expect(probe.detection).toMatchObject({ path: 'dr-probe', alarm: 'shop-primary-unreachable-from-dr' });
    expect(byHand.detection).toMatchObject({ path: null, alarm: null });
  });

  it('lists the declared dependencies of an AWS run with unknown counts, never zero', () => {
    // Act
    const report = reportOf(failoverRun(), REFERENCE_PLAN);

    // Assess
    expect(report.dependencySource?.kind).toBe('declared');
    expect(report.dependencies?.length).toBeGreaterThan(0);
    expect(report.dependencies?.every((row) => row.calls === null && row.failed === null)).toBe(true);
    expect(report.dependencies).toContainEqual(
      expect.objectContaining({
        service: 'cloudwatch',
        region: 'us-west-2',
        operation: 'PutMetricData',
        required: true,
        step: 'Switch traffic',
      }),
    );
    // The gate strategy needs neither the failed region nor the Route 53 API.
    expect(
      report.dependencies?.filter(
        (row) => row.required && (row.region === 'us-east-1' || row.service === 'route53'),
      ),
    ).toEqual([]);
    // Required ones first.
    const required = report.dependencies?.map((row) => row.required) ?? [];
    expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
  });

  it('reads a task between two attempts as retrying while the run goes on, and as failed once it ended', () => {
    // Prepare: Verify's first attempt failed; Step Functions waits before the next.
    const history = new HistoryBuilder(new Date('2026-11-20T10:00:00Z'), { mode: 'failover' });
    history.main.task({
      state: 'VerifyDrEndpoint',
      input: {},
      start: 1,
      end: 2,
      failure: { error: 'EndpointUnhealthyError', cause: 'DNS still answers primary.shop.example.com' },
    });

    // Act
    const live = stepsFromHistory(history.build(), true);
    const ended = stepsFromHistory(history.build(), false);

    // Assess
    expect(live.steps[0]).toMatchObject({
      step: 'Verify',
      outcome: 'running',
      endedAt: null,
      error: { name: 'EndpointUnhealthyError' },
      detail: 'retrying after EndpointUnhealthyError',
    });
    expect(live.errors).toEqual([]);
    expect(ended.steps[0]).toMatchObject({ outcome: 'failed' });
    expect(ended.errors).toHaveLength(1);
  });
});
