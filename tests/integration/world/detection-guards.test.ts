import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { referencePlan } from './support.ts';

const plan = referencePlan();
let world: World | undefined;

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

  it('an alarm event delivered twice starts two executions: EventBridge does not deduplicate, nor does the world', async () => {
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
    stopAll(world);

    // Assess
    expect(first?.arn).toBeDefined();
    expect(second?.arn).not.toBe(first?.arn);
    expect(world.stepFunctions.list().map((e) => JSON.parse(e.input).incidentId)).toEqual([
      'event-1',
      'event-1',
    ]);
  });

  it('an alarm event delivered twice makes one failover: the second execution ends SUCCEEDED "skipped"', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
    await world.runFor(180);
    const event = {
      id: 'event-2',
      alarmName: world.detection.alarmName,
      state: 'ALARM',
      previousState: 'OK',
      reason: 'Threshold Crossed',
      changedAt: world.clock.now(),
    };
    world.faults.regionOutage();

    // Act
    const first = world.detection.deliver(event);
    const second = world.detection.deliver(event);
    await Promise.all([first, second].map((e) => world?.stepFunctions.wait(e?.arn ?? '')));

    // Assess
    const outcomes = [first, second].map((e) => JSON.parse(e?.output ?? '{}').outcome);
    expect(outcomes.sort()).toEqual(['failed-over', 'skipped']);
    expect(world.events.list({ type: 'rds.promotion-started' })).toHaveLength(plan.databases.length);
    expect(world.messages().some((m) => /FAILED/.test(m.subject ?? ''))).toBe(false);
    expect(world.messages().filter((m) => /SKIPPED/.test(m.subject ?? ''))).toHaveLength(1);
  });

  it('a primary that flaps faster than either path judges raises no alarm and starts nothing', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400 });
    await world.runFor(65);

    // Act: down 20 s of every 45 s for ten minutes: at most two failed 10-second checks in a row
    // (threshold 3) and never three failed probe minutes in a row (a 45-second period against the
    // probe's 60 s moves the probe's phase by 15 s a minute).
    for (let elapsed = 0; elapsed < 600; elapsed += 45) {
      world.faults.regionOutage(undefined, { durationSeconds: 20 });
      await world.runFor(45);
    }
    await world.runFor(180);

    // Assess
    const alarms = world.events.list().filter((e) => e.type === 'alarm.state' && e.detail.state === 'ALARM');
    expect(alarms).toEqual([]);
    expect(world.stepFunctions.list()).toEqual([]);
  });

  it('a primary down two minutes in every six trips the fast path each time: each ALARM starts an execution', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false });
    await world.runFor(65);
    const unsubscribe = world.events.subscribe((event) => {
      if (event.type === 'failover.triggered' && world) stopAll(world);
    });

    // Act: the application (us-east-1 itself up) down for two minutes, up for four, three times.
    for (let flap = 0; flap < 3; flap++) {
      world.faults.applicationOutage(undefined, { durationSeconds: 120 });
      await world.runFor(360);
    }
    unsubscribe();

    // Assess
    const alarms = world.events
      .list()
      .filter(
        (e) =>
          e.type === 'alarm.state' &&
          e.detail.alarm === world?.detection.alarmName &&
          e.detail.state === 'ALARM',
      );
    expect(alarms.length).toBeGreaterThanOrEqual(2);
    expect(world.stepFunctions.list()).toHaveLength(alarms.length);
  });

  it('an alarm within the cooldown of a finished failover is skipped; a run started by hand is not', async () => {
    // Prepare: a failover that ran to its end
    world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
    await world.runFor(180);
    world.faults.regionOutage();
    const first = world.stepFunctions.start(
      { mode: 'failover', reason: 'drill', incidentId: 'INC-1', requestedBy: 'alice' },
      'by-hand',
    );
    await world.stepFunctions.wait(first.arn);
    await world.runFor(600);
    const alarm = {
      id: 'late-event',
      alarmName: world.detection.alarmName,
      state: 'ALARM',
      previousState: 'OK',
      reason: 'Threshold Crossed',
      changedAt: world.clock.now(),
    };

    // Act
    const late = world.detection.deliver(alarm);
    await world.stepFunctions.wait(late?.arn ?? '');
    const again = world.stepFunctions.start(
      { mode: 'failover', reason: 'converge', incidentId: 'INC-1', requestedBy: 'alice' },
      'by-hand-again',
    );
    await world.stepFunctions.wait(again.arn);

    // Assess
    expect(JSON.parse(first.output ?? '{}').outcome).toBe('failed-over');
    expect(JSON.parse(late?.output ?? '{}')).toMatchObject({ outcome: 'skipped' });
    expect(JSON.parse(late?.output ?? '{}').reason).toContain('60-minute cooldown');
    expect(again.status, again.cause).toBe('SUCCEEDED');
    expect(JSON.parse(again.output ?? '{}').outcome).toBe('failed-over');
    // The second hand-started run converged: no second promotion.
    expect(world.events.list({ type: 'rds.promotion-started' })).toHaveLength(plan.databases.length);
  });
});

/** Stops every running execution: these tests are about what starts them. */
function stopAll(on: World): void {
  for (const execution of on.stepFunctions.list()) {
    if (execution.status === 'RUNNING')
      on.stepFunctions.stop(execution.arn, 'TestDone', 'stopped by the test');
  }
}
