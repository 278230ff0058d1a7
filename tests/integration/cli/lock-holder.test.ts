import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockHolder } from '../../../cli/drill/lock-holder.ts';
import { startWorld, type World } from '../../../local/index.ts';
import { loadPlanFile } from '../../../plan/load.ts';
import { REFERENCE_PLAN_PATH } from '../../unit/plan/support.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld({
    plan: loadPlanFile(REFERENCE_PLAN_PATH),
    scale: 400,
    seed: 5,
    alarmTrigger: false,
  });
  await world.runFor(180);
});

afterAll(async () => {
  await world?.close();
});

describe('the run a drill follows when duplicates start', () => {
  it('moves from a run the lock skipped to the one holding the lock, and stays on the holder', async () => {
    // Prepare: two runs of one incident at the same instant (EventBridge's at-least-once delivery).
    const origin = world.clock.now();
    world.faults.regionOutage();
    const input = {
      mode: 'failover',
      reason: 'duplicate delivery',
      incidentId: 'dup',
      requestedBy: 'alarm:x',
    };
    const first = world.stepFunctions.start(input);
    const second = world.stepFunctions.start(input);
    await world.until(
      (events) =>
        events.filter(
          (e) =>
            e.type === 'execution.ended' &&
            (e.detail.executionArn === first.arn || e.detail.executionArn === second.arn),
        ).length >= 1,
      { timeoutSeconds: 600 },
    );
    const skipped = [first.arn, second.arn].find(
      (arn) => world.stepFunctions.describe(arn).status !== 'RUNNING',
    );
    const holder = [first.arn, second.arn].find((arn) => arn !== skipped);

    // Act
    const fromSkipped = lockHolder(world, skipped as string, origin);
    const fromHolder = lockHolder(world, holder as string, origin);

    // Assess
    expect(JSON.parse(world.stepFunctions.describe(skipped as string).output ?? '{}').outcome).toBe(
      'skipped',
    );
    expect(fromSkipped).toBe(holder);
    expect(fromHolder).toBeUndefined();
  });
});
