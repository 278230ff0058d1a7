import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World, type WorldEvent } from '../../../local/index.ts';
import { referencePlan } from './support.ts';

const plan = referencePlan();
let world: World | undefined;
const count = (events: WorldEvent[], type: WorldEvent['type']) =>
  events.filter((e) => e.type === type).length;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('detection guards', () => {
  it('a single failed probe starts no failover', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false });
    await world.runFor(65);

    // Act: the primary endpoint misses one 10-second check, then answers again.
    world.faults.regionOutage(undefined, { durationSeconds: plan.detection.healthCheck.intervalSeconds });
    await world.runFor(240);

    // Assess
    const events = world.events.list();
    const primaryCheck = world.models.healthChecks.checks.find((c) => c.role === 'primary');
    expect(primaryCheck?.failedProbes).toBeGreaterThanOrEqual(1);
    expect(
      events.filter((e) => e.type === 'healthcheck.unhealthy' && e.detail.role === 'primary'),
    ).toHaveLength(0);
    expect(events.filter((e) => e.type === 'alarm.state' && e.detail.state === 'ALARM')).toHaveLength(0);
    expect(world.stepFunctions.list()).toHaveLength(0);
  });

  it('an alarm event delivered twice starts one execution', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
    const event = {
      id: 'event-1',
      alarmName: world.detection.alarmName,
      state: 'ALARM',
      previousState: 'OK',
      reason: 'Threshold Crossed',
      changedAt: world.clock.now(),
    };

    // Act
    const first = world.detection.deliver(event);
    const second = world.detection.deliver(event);

    // Assess
    expect(first?.arn).toBeDefined();
    expect(second?.arn).toBe(first?.arn);
    expect(world.stepFunctions.list()).toHaveLength(1);
    expect(world.events.list({ type: 'failover.suppressed' })[0]?.detail.reason).toBe('duplicate');
  });

  it('a flapping primary starts at most one failover', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false });
    await world.runFor(65);

    // Act: down for two minutes, up for two minutes, four times.
    for (let flap = 0; flap < 4; flap++) {
      world.faults.regionOutage(undefined, { durationSeconds: 120 });
      await world.runFor(240);
    }

    // Assess
    const alarms = world.events.list().filter((e) => e.type === 'alarm.state' && e.detail.state === 'ALARM');
    expect(alarms.length).toBeGreaterThanOrEqual(1);
    expect(world.stepFunctions.list()).toHaveLength(1);
    expect(count(world.events.list(), 'failover.suppressed')).toBeGreaterThanOrEqual(alarms.length - 1);
  });
});
