import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../plan/load.ts';
import { reportFromExecution } from '../../../report/from-execution.ts';
import { drillAt, drillRun } from './support/drill-executions.ts';

const plan = loadPlanFile(new URL('../../../drctl.plan.yaml', import.meta.url).pathname);

function reportOf(run: ReturnType<typeof drillRun>) {
  return reportFromExecution({ execution: run.describe, events: run.events }, plan, {
    generatedAt: new Date('2026-11-22T04:00:00Z'),
  });
}

describe('the run report of a drill execution on AWS', () => {
  it('measures the RTO from the declared outage to the DR application serving through the drill name', () => {
    // Prepare
    const run = drillRun();

    // Act
    const report = reportOf(run);

    // Assess
    expect(report.mode).toBe('drill');
    expect(report.outcome).toBe('drilled');
    expect(report.trigger).toEqual(expect.objectContaining({ kind: 'schedule' }));
    expect(report.outage.startedAt).toBe(drillAt(603));
    expect(report.rto).toEqual({
      seconds: 756 - 603,
      objectiveSeconds: plan.objectives.rtoSeconds,
      met: true,
      servingAt: drillAt(756),
      from: 'declared-outage',
    });
    expect(report.drill).toEqual(
      expect.objectContaining({
        recordName: 'drill.shop.example.com',
        outageAt: drillAt(603),
        servedAt: drillAt(756),
        answer: 'dr.shop.example.com',
        production: null,
      }),
    );
    // Drills never fill in failover facts they do not have.
    expect([report.traffic, report.fencing, report.confirmation, report.decision]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(report.errors).toEqual([]);
  });

  it('takes the RPO from the write canary, labelled so, with each database and the lag at promotion', () => {
    // Prepare + Act
    const report = reportOf(drillRun());

    // Assess
    expect(report.rpo).toEqual(
      expect.objectContaining({
        seconds: 2.4,
        writesLost: 5,
        met: true,
        basis: 'canary',
        writesDiverged: null,
      }),
    );
    expect(report.rpo.replicaLagAtPromotion).toEqual([
      { database: 'orders', seconds: 1.5 },
      { database: 'catalog', seconds: null },
    ]);
    expect(
      report.drill?.dataLoss?.databases.map((db) => [db.databaseId, db.writesLost, db.secondsLost]),
    ).toEqual([
      ['orders', 3, 2.4],
      ['catalog', 2, 1.1],
    ]);
  });

  it('labels a data loss without the canary as the replica-lag estimate', () => {
    // Prepare + Act
    const report = reportOf(drillRun({ noCanary: true }));

    // Assess
    expect(report.rpo).toEqual(
      expect.objectContaining({ seconds: 1.5, writesLost: null, basis: 'replica-lag-estimate' }),
    );
    expect(report.drill?.dataLoss?.basis).toBe('replica-lag-estimate');
  });

  it('gives every copy its source and its times: created, available, promoted, deleted', () => {
    // Prepare + Act
    const report = reportOf(drillRun());

    // Assess
    expect(report.drill?.copies).toEqual([
      {
        databaseId: 'orders',
        identifier: 'shop-orders-replica-drill',
        sourceIdentifier: 'shop-orders-replica',
        createdAt: drillAt(5),
        availableAt: drillAt(601),
        promotedAt: drillAt(606),
        promotionCompletedAt: drillAt(696),
        deletedAt: drillAt(1060),
        lagAtPromotionSeconds: 1.5,
        status: 'deleted',
      },
      expect.objectContaining({ identifier: 'shop-catalog-replica-drill', lagAtPromotionSeconds: null }),
    ]);
    expect(report.drill?.sweep?.resources.map((r) => r.resource)).toEqual([
      'rds:us-west-2:shop-orders-replica-drill',
    ]);
    expect(report.drill?.cleanup).toEqual(
      expect.objectContaining({ at: drillAt(1060), complete: true, leftBehind: [] }),
    );
    expect(report.drill?.cleanup?.resources.map((r) => r.outcome)).toEqual([
      'cleaned',
      'cleaned',
      'cleaned',
      'cleaned',
    ]);
    expect(report.drill?.verdict).toEqual(expect.objectContaining({ outcome: 'succeeded', error: null }));
  });

  it('names the drill steps in words, in the order they ran', () => {
    // Prepare + Act
    const report = reportOf(drillRun());

    // Assess
    expect(report.steps.map((step) => `${step.step}: ${step.outcome}`)).toEqual(
      expect.arrayContaining([
        'Preflight: succeeded',
        'Sweep earlier drills: succeeded',
        'Create copy orders: succeeded',
        'Copies available: succeeded',
        'Declare outage: succeeded',
        'Promote copy orders: succeeded',
        'Scale web: succeeded',
        'Switch drill name: succeeded',
        'Verify through drill name: succeeded',
        'Measure data loss: succeeded',
        'Cleanup: succeeded',
        'Verdict: succeeded',
      ]),
    );
    expect(report.steps.find((step) => step.step === 'Declare outage')?.kind).toBe('outage');
  });

  it('reports a failed drill: no RTO, the failing step, and the cleanup that still ran', () => {
    // Prepare + Act
    const report = reportOf(drillRun({ failScaling: true }));

    // Assess
    expect(report.outcome).toBe('failed');
    expect(report.rto.seconds).toBeNull();
    // It declared its outage and never served through the drill name: the RTO was missed.
    expect(report.rto.met).toBe(false);
    expect(report.rpo.met).toBeNull();
    expect(report.drill?.servedAt).toBeNull();
    expect(report.drill?.dataLoss).toBeNull();
    expect(report.drill?.cleanup?.complete).toBe(true);
    expect(report.drill?.verdict?.outcome).toBe('failed');
    expect(report.errors.map((error) => error.name)).toEqual(
      expect.arrayContaining(['TaskStartFailureError', 'DrillFailedError']),
    );
  });

  it('names what a cleanup left behind', () => {
    // Prepare + Act
    const report = reportOf(drillRun({ leaveOrdersCopy: true }));

    // Assess
    expect(report.outcome).toBe('failed');
    expect(report.drill?.cleanup?.complete).toBe(false);
    expect(report.drill?.cleanup?.leftBehind).toEqual([
      'rds:us-west-2:shop-orders-replica-drill: InvalidDBInstanceState: the copy is being modified',
    ]);
    expect(report.drill?.copies[0]?.deletedAt).toBeNull();
    expect(report.drill?.verdict?.error).toBe('CleanupIncompleteError');
  });

  it('names what was still pending when the cleanup polls ran out as left behind', () => {
    // Prepare + Act
    const report = reportOf(drillRun({ cleanupPollsRunOut: true }));

    // Assess
    expect(report.drill?.cleanup?.complete).toBe(false);
    expect(report.drill?.cleanup?.leftBehind).toEqual(['rds:us-west-2:shop-orders-replica-drill: pending']);
  });

  it('reports a drill its preflight refused as no change, refused, with the reason and no error', () => {
    // Prepare + Act
    const report = reportOf(drillRun({ refused: true }));

    // Assess
    expect(report.outcome).toBe('no-change');
    expect(report.noChangeReason).toBe('refused');
    expect(report.noChangeDetail).toBe(
      'A failover is running (execution shop-failover:incident-3): a drill waits until it ends.',
    );
    expect(report.errors).toEqual([]);
    expect(report.drill?.copies.map((copy) => copy.createdAt)).toEqual([]);
  });
});
