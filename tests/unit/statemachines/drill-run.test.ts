import { describe, expect, it } from 'vitest';
import { failure, plan, runDrill, statesRun } from './support/drill-harness.ts';

/** The states of a drill that went well, in order (two databases, three services, one poll per loop). */
const CLEANUP_TO_END = ['Cleanup', 'DrillVerdict'];

describe('drill state machine flow', () => {
  it('runs preflight, sweep, copies, outage, recovery, drill name, verify, data loss, cleanup and verdict, and ends SUCCEEDED', async () => {
    // Prepare / Act
    const run = await runDrill();

    // Assess
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('SUCCEEDED');
    const order = statesRun(run);
    const firsts = [
      'DrillPreflight',
      'Sweep',
      'CreateCopy',
      'CheckCopies',
      'DeclareOutage',
      'PromoteCopy',
      'SwitchDrillName',
      'CheckDrillGate',
      'VerifyThroughDrillName',
      'MeasureDataLoss',
      'Cleanup',
      'DrillVerdict',
      'NotifyDrillSucceeded',
    ].map((state) => order.indexOf(state));
    expect(firsts.every((index) => index >= 0)).toBe(true);
    expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
    expect(order.filter((s) => s === 'CreateCopy')).toHaveLength(plan.databases.length);
    expect(order.filter((s) => s === 'StartScaling')).toHaveLength(plan.services.length);
    expect(order).toContain('NotifyDrillStarted');
    expect(run.output).toMatchObject({
      mode: 'drill',
      outcome: 'succeeded',
      rto: { seconds: 420, objectiveSeconds: 900, met: true, outageAt: '2026-03-01T03:20:00.000Z' },
      rpo: { seconds: 4, writesLost: 1, met: true, basis: 'canary' },
    });
  });

  it('hands each copy promotion its own database and the data-loss step every promotion', async () => {
    // Prepare / Act
    const run = await runDrill();

    // Assess
    const promotions = run.tasks.filter((t) => t.state === 'PromoteCopy').map((t) => t.input.databaseId);
    expect(promotions.sort()).toEqual(plan.databases.map((d) => d.id).sort());
    const dataLoss = run.tasks.find((t) => t.state === 'MeasureDataLoss')?.input;
    const promoted = (dataLoss?.promotions ?? []) as { databaseId: string }[];
    expect(promoted.map((p) => p.databaseId).sort()).toEqual(plan.databases.map((d) => d.id).sort());
    expect(dataLoss?.promotions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ startedAt: '2026-03-01T03:20:01.000Z', lagAtPromotionSeconds: 1 }),
      ]),
    );
  });

  it.each([
    ['Sweep', 'sweep', 'AccessDeniedError'],
    ['CreateCopy', 'create-copy', 'NotADrillResourceError'],
    ['CheckCopies', 'copy-status', 'DrillFailedError'],
    ['DeclareOutage', 'declare-outage', 'ConfigurationError'],
    ['PromoteCopy', 'promote-copy', 'PromotionFailedError'],
    ['StartScaling', 'scale-start', 'TaskStartFailureError'],
    ['SwitchDrillName', 'gate-close', 'AccessDeniedError'],
    ['VerifyThroughDrillName', 'verify', 'ResourceNotFoundError'],
    ['MeasureDataLoss', 'data-loss', 'InvalidInputError'],
  ])(
    'a failure at %s (op %s, %s) goes to the cleanup, and the drill ends FAILED with DrillFailedError',
    async (state, op, name) => {
      // Prepare
      const ops = {
        [op]: () => {
          throw failure(name);
        },
      };

      // Act
      const run = await runDrill(ops);

      // Assess
      const order = statesRun(run);
      expect(order).toContain(state);
      expect(order.slice(-3)).toEqual([...CLEANUP_TO_END, 'NotifyDrillFailed']);
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('DrillFailedError');
      const verdict = run.tasks.find((t) => t.state === 'DrillVerdict')?.input;
      expect(verdict?.error).toMatchObject({ Error: name });
      expect(run.cause).toContain(`${name}: ${name} injected`);
    },
  );

  it('retries a throttled step and goes on without cleanup before its time', async () => {
    // Prepare
    const ops = {
      'create-copy': (input: Record<string, unknown>, calls: number) => {
        if (calls <= 2) throw failure('ThrottledError');
        return { databaseId: input.databaseId, status: 'creating' };
      },
    };

    // Act
    const run = await runDrill(ops);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(statesRun(run).filter((s) => s === 'CreateCopy').length).toBe(plan.databases.length + 2);
  });

  it('polls the copies until they are available, and fails them after the bound into the cleanup', async () => {
    // Prepare
    const never = {
      'copy-status': (input: Record<string, unknown>) => ({
        done: false,
        attempt: Number(input.attempt) + 1,
      }),
    };

    // Act
    const run = await runDrill(never);

    // Assess
    const order = statesRun(run);
    expect(order.filter((s) => s === 'CheckCopies')).toHaveLength(4);
    expect(order).not.toContain('DeclareOutage');
    expect(order).toContain('Cleanup');
    expect(run.error).toBe('DrillFailedError');
    expect(run.cause).toContain('not available within half of drills.timeoutMinutes');
  });

  it('refuses without any change: no sweep, no copy, no cleanup, a notice, and DrillRefusedError', async () => {
    // Prepare
    const refused = {
      preflight: () => {
        throw failure('DrillRefusedError', 'Drill refused: a failover runs');
      },
    };

    // Act
    const run = await runDrill(refused);

    // Assess
    expect(statesRun(run)).toEqual(['DrillPreflight', 'NotifyDrillRefused']);
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('DrillRefusedError');
    expect(run.tasks[1]?.input).toMatchObject({
      event: 'drill-failed',
      error: { Error: 'DrillRefusedError' },
    });
  });

  it('ends at once on bad input, without a notice', async () => {
    // Prepare
    const bad = {
      preflight: () => {
        throw failure('InvalidInputError', 'mode: "failover" runs on the failover state machine');
      },
    };

    // Act
    const run = await runDrill(bad, { mode: 'failover', reason: 'x', incidentId: 'x', requestedBy: 'x' });

    // Assess
    expect(statesRun(run)).toEqual(['DrillPreflight']);
    expect(run.error).toBe('InvalidInputError');
  });

  it('polls the cleanup until nothing is pending, and ends CleanupIncompleteError naming what is left', async () => {
    // Prepare
    const stuck = {
      cleanup: (input: Record<string, unknown>) => ({
        resources: [],
        done: false,
        complete: false,
        leftBehind: ['rds:us-west-2:shop-orders-replica-drill: pending (deleting)'],
        attempt: Number(input.attempt) + 1,
      }),
    };

    // Act
    const run = await runDrill(stuck);

    // Assess
    expect(statesRun(run).filter((s) => s === 'Cleanup' || s === 'CheckCleanup')).toHaveLength(3);
    expect(run.error).toBe('CleanupIncompleteError');
    expect(run.cause).toContain('shop-orders-replica-drill');
  });

  it('judges a cleanup task that failed past its retries as left behind', async () => {
    // Prepare
    const broken = {
      cleanup: () => {
        throw failure('AccessDeniedError');
      },
    };

    // Act
    const run = await runDrill(broken);

    // Assess
    expect(run.error).toBe('CleanupIncompleteError');
    expect(run.cause).toContain('cleanup did not report (AccessDeniedError)');
  });

  it('ends ObjectiveMissedError when the drill ran and cleaned up but its RTO was over the objective', async () => {
    // Prepare
    const slow = { verify: () => ({ verifiedAt: '2026-03-01T03:50:00.000Z' }) };

    // Act
    const run = await runDrill(slow);

    // Assess
    expect(run.error).toBe('ObjectiveMissedError');
    expect(run.cause).toContain('RTO 1800 s over the objective of 900 s');
    expect(statesRun(run)).toContain('NotifyDrillFailed');
  });

  it('a failed notice never fails a drill', async () => {
    // Prepare
    const mute = {
      notify: () => {
        throw failure('TransientError');
      },
    };

    // Act
    const run = await runDrill(mute);

    // Assess
    expect(run.status).toBe('SUCCEEDED');
  });
});
