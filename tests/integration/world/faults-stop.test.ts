import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { failoverInput, referencePlan } from './support.ts';

const plan = referencePlan();
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('faults that stop the failover', () => {
  it('ECS tasks that cannot start fail the run with their reason, and DNS is not switched', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
    await world.runFor(180);
    world.faults.tasksFailToStart({ reason: 'CannotPullContainerError: pull access denied for shop-web' });

    // Act
    const execution = world.stepFunctions.start(failoverInput('ECS-1'), 'tasks-fail');
    await world.stepFunctions.wait(execution.arn);

    // Assess
    expect(execution.status).toBe('FAILED');
    const notice = world.messages().at(-1);
    expect(`${execution.cause} ${notice?.message}`).toContain('CannotPullContainerError');
    expect(world.events.list({ type: 'route53.change-submitted' })).toEqual([]);
    expect(world.snapshot().dns.resolvesTo).toBe(plan.application.primary.target);
  });

  it('replica lag over the RPO budget waits for a decision, and with none stops before any change', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 1000, schedule: false, alarmTrigger: false });
    world.faults.replicaLagSpike(plan.objectives.rpoSeconds * 5, 3_600);
    await world.runFor(180);

    // Act
    const execution = world.stepFunctions.start(failoverInput('RPO-1'), 'lagging');
    await world.stepFunctions.wait(execution.arn);

    // Assess
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ outcome: 'decision-timed-out' });
    expect(world.messages().map((m) => m.subject)).toEqual([
      expect.stringMatching(/WAITS FOR A DECISION/),
      expect.stringMatching(/NOT DECIDED within 30 min/),
    ]);
    const changes = world.events.list({
      type: ['rds.promotion-started', 'ecs.desired-count', 'route53.change-submitted'],
    });
    expect(changes).toEqual([]);
    expect(world.snapshot().alarms.find((a) => a.name === 'shop-traffic-gate-closed')?.state).not.toBe(
      'ALARM',
    );
  });

  it('a promotion that ends incompatible-parameters fails the run, and DNS is not switched', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
    world.faults.promotionsFail({ databaseId: 'catalog' });

    // Act
    const execution = world.stepFunctions.start(failoverInput('PROMO-1'), 'promotion-fails');
    await world.stepFunctions.wait(execution.arn);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(`${execution.error} ${execution.cause}`).toMatch(/PromotionFailed|incompatible-parameters/);
    expect(world.snapshot().databases.find((d) => d.id === 'catalog')?.replica.status).toBe(
      'incompatible-parameters',
    );
    expect(world.events.list({ type: 'route53.change-submitted' })).toEqual([]);
  });
});
