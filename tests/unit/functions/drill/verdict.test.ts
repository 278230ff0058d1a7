import { describe, expect, it } from 'vitest';
import { drillVerdict, type VerdictInput } from '../../../../functions/drill/verdict.ts';
import { envelope, plan } from './support.ts';

const clean = { complete: true, leftBehind: [], done: true, resources: [] };
function input(overrides: Partial<VerdictInput> = {}): VerdictInput {
  return {
    op: 'verdict',
    ...envelope,
    outage: { outageAt: '2026-03-01T03:00:00.000Z' },
    verification: { verifiedAt: '2026-03-01T03:07:30.000Z' },
    dataLoss: { worst: { secondsLost: 3.5, writesLost: 2, basis: 'canary' } },
    cleanup: clean,
    error: null,
    cleanupError: null,
    ...overrides,
  };
}

describe('drill verdict', () => {
  it('succeeds when the drill ran, met both objectives and cleaned up', () => {
    // Act
    const verdict = drillVerdict(plan, input());

    // Assess
    expect(verdict).toMatchObject({
      outcome: 'succeeded',
      error: null,
      rto: {
        seconds: 450,
        objectiveSeconds: 900,
        met: true,
        outageAt: '2026-03-01T03:00:00.000Z',
        servedAt: '2026-03-01T03:07:30.000Z',
      },
      rpo: { seconds: 3.5, writesLost: 2, objectiveSeconds: 60, met: true, basis: 'canary' },
      cleanup: { complete: true, leftBehind: [] },
      failure: null,
    });
  });

  it('puts what was left behind first, then a failed step, then a missed objective', () => {
    // Prepare
    const left = {
      ...clean,
      complete: false,
      leftBehind: ['rds:us-west-2:shop-orders-replica-drill: pending (deleting)'],
    };
    const error = {
      Error: 'PromotionFailedError',
      Cause: JSON.stringify({ errorType: 'PromotionFailedError', errorMessage: 'copy is storage-full' }),
    };

    // Act
    const leftBehind = drillVerdict(plan, input({ cleanup: left, error, verification: null }));
    const failed = drillVerdict(plan, input({ error, verification: null }));
    const slow = drillVerdict(plan, input({ verification: { verifiedAt: '2026-03-01T03:20:00.000Z' } }));
    const lossy = drillVerdict(
      plan,
      input({ dataLoss: { worst: { secondsLost: 75, writesLost: null, basis: 'replica-lag-estimate' } } }),
    );

    // Assess
    expect([leftBehind.error, failed.error, slow.error, lossy.error]).toEqual([
      'CleanupIncompleteError',
      'DrillFailedError',
      'ObjectiveMissedError',
      'ObjectiveMissedError',
    ]);
    expect(leftBehind.cause).toContain(
      'Left behind: rds:us-west-2:shop-orders-replica-drill: pending (deleting).',
    );
    expect(leftBehind.cause).toContain('PromotionFailedError: copy is storage-full');
    expect(leftBehind.rto.seconds).toBeNull();
    expect(slow.cause).toContain('RTO 1200 s over the objective of 900 s');
    expect(lossy.cause).toContain('RPO 75 s (estimated from replica lag) over the objective of 60 s');
  });

  it('judges an unknown figure neither met nor missed, and a cleanup that never reported as left behind', () => {
    // Act
    const verdict = drillVerdict(
      plan,
      input({
        dataLoss: { worst: { secondsLost: null, writesLost: null, basis: 'unknown' } },
        cleanup: null,
        cleanupError: { Error: 'AccessDeniedError', Cause: 'x' },
      }),
    );

    // Assess
    expect(verdict.rpo).toMatchObject({ seconds: null, met: null, basis: 'unknown' });
    expect(verdict.outcome).toBe('cleanup-incomplete');
    expect(verdict.cleanup.leftBehind[0]).toContain('cleanup did not report (AccessDeniedError)');
  });

  it('does not call a drill with an impossible RTO or data loss a success: verified before the outage, negative seconds lost', () => {
    // Act
    const verdict = drillVerdict(
      plan,
      input({
        verification: { verifiedAt: '2026-03-01T02:59:00.000Z' },
        dataLoss: { worst: { secondsLost: -5, writesLost: 0, basis: 'canary' } },
      }),
    );

    // Assess
    expect(verdict.outcome).toBe('failed');
    expect(verdict.error).toBe('DrillFailedError');
    expect(verdict.rto).toMatchObject({ seconds: null, met: null });
    expect(verdict.rpo).toMatchObject({ seconds: null, met: null, basis: 'unknown' });
    expect(verdict.cause).toContain(
      'verification.verifiedAt 2026-03-01T02:59:00.000Z is before outage.outageAt 2026-03-01T03:00:00.000Z',
    );
    expect(verdict.cause).toContain('dataLoss.worst is not a data-loss figure');
    expect(verdict.cause).not.toContain('null s');
  });

  it.each([
    [
      'an outage time that is not a date',
      { outage: { outageAt: 'not-a-date' } },
      'outage.outageAt is not an ISO date',
    ],
    [
      'no verification on the success path',
      { verification: null },
      'without a declared outage and a verification',
    ],
  ])('ends a drill with %s as failed (RTO not measured), naming why', (_, overrides, why) => {
    // Act
    const verdict = drillVerdict(plan, input(overrides));

    // Assess
    expect(verdict.outcome).toBe('failed');
    expect(verdict.error).toBe('DrillFailedError');
    expect(verdict.rto.seconds).toBeNull();
    expect(verdict.cause).toContain(why);
  });

  it('prints an unknown RPO as "unknown", not "unknown s", when the drill succeeds on the RTO', () => {
    // Act
    const verdict = drillVerdict(
      plan,
      input({ dataLoss: { worst: { secondsLost: null, writesLost: null, basis: 'unknown' } } }),
    );

    // Assess
    expect(verdict.outcome).toBe('succeeded');
    expect(verdict.cause).toContain('RTO 450 s (objective 900 s), RPO unknown (unknown; objective 60 s)');
  });
});
