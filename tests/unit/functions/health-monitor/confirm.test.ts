import { describe, expect, it } from 'vitest';
import { type ConfirmInput, confirm } from '../../../../functions/health-monitor/confirm.ts';
import { PrimaryRecoveredError, RpoBudgetExceededError } from '../../../../plan/errors.ts';
import { rejection } from '../aws-errors.ts';
import { createWorld, EXECUTION_ARN, EXECUTION_START, STATE_MACHINE_ARN, validRequest } from './world.ts';

const PRIMARY_URL = 'https://primary.shop.example.com/health';

function input(overrides: Partial<ConfirmInput> = {}): ConfirmInput {
  return {
    operation: 'confirm',
    correlationId: 'exec-1',
    executionStartTime: EXECUTION_START,
    executionArn: EXECUTION_ARN,
    stateMachineArn: STATE_MACHINE_ARN,
    request: { ...validRequest, mode: 'failover', requestedBy: 'alarm:shop-primary-unreachable-from-dr' },
    rpo: { budgetSeconds: 60, worstLagSeconds: 2, verdict: 'within' },
    decision: null,
    ...overrides,
  };
}

describe('confirm, right before the point of no return', () => {
  it('re-checks from the DR region that the primary is still down on an alarm-started run', async () => {
    // Prepare
    const world = createWorld();
    world.probeResults.set(PRIMARY_URL, { outcome: 'no-response', reason: 'ECONNRESET' });

    // Act
    const output = await confirm(world.ports, input());

    // Assess
    expect(output.primary).toEqual({ checked: true, state: 'down', detail: `${PRIMARY_URL}: ECONNRESET` });
    expect(world.probeCalls).toEqual([{ url: PRIMARY_URL, timeoutMs: 5_000 }]);
  });

  it('stands the run down when the primary answers healthy again', async () => {
    // Prepare
    const world = createWorld();
    world.probeResults.set(PRIMARY_URL, { outcome: 'response', status: 200 });

    // Act
    const error = await rejection(confirm(world.ports, input()));

    // Assess
    expect(error).toBeInstanceOf(PrimaryRecoveredError);
    expect(error.message).toContain('primary recovered before the point of no return');
  });

  it('skips the check on a hand-started run unless its input asks for it', async () => {
    // Prepare
    const world = createWorld();
    world.probeResults.set(PRIMARY_URL, { outcome: 'response', status: 200 });
    const byHand = { ...validRequest, mode: 'failover' as const };

    // Act
    const skipped = await confirm(world.ports, input({ request: byHand }));
    const asked = await rejection(
      confirm(world.ports, input({ request: { ...byHand, confirmPrimaryDown: true } })),
    );

    // Assess
    expect(skipped.primary.checked).toBe(false);
    expect(asked).toBeInstanceOf(PrimaryRecoveredError);
  });

  it('passes an over-budget lag only with a decision that accepts at least that much', async () => {
    // Prepare
    const world = createWorld();
    world.probeResults.set(PRIMARY_URL, { outcome: 'no-response', reason: 'ECONNRESET' });
    const rpo = { budgetSeconds: 60, worstLagSeconds: 300, verdict: 'over' as const };
    const approve = (acceptDataLossSeconds: number) => ({
      status: 'approved',
      decision: {
        decision: 'approve',
        reason: 'go',
        author: 'arn:aws:iam::1:user/a',
        decidedBy: 'alice',
        decidedAt: null,
        acceptDataLossSeconds,
        acceptUnknownDataLoss: false,
      },
    });

    // Act
    const tooLittle = await rejection(confirm(world.ports, input({ rpo, decision: approve(120) })));
    const enough = await confirm(world.ports, input({ rpo, decision: approve(300) }));

    // Assess
    expect(tooLittle).toBeInstanceOf(RpoBudgetExceededError);
    expect(tooLittle.message).toContain('must accept at least 300 s (it accepted 120 s)');
    expect(enough.rpo).toMatchObject({ acceptedLossSeconds: 300, acceptedBy: 'alice', verdict: 'over' });
  });
});
