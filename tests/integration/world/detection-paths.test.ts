import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World, type WorldEvent } from '../../../local/index.ts';
import { detectionAlarmName, drDetectionAlarmName, probeMetric } from '../../../plan/names.ts';
import { referencePlan } from './support.ts';

const plan = referencePlan();
const fastPath = detectionAlarmName(plan);
const drPath = drDetectionAlarmName(plan);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const alarmed = (name: string) => (e: WorldEvent) =>
  e.type === 'alarm.state' && e.detail.alarm === name && e.detail.state === 'ALARM';

const probePoints = (on: World) => {
  const metric = probeMetric(plan);
  return (
    on.models.cloudWatch.find(plan.regions.dr, metric.namespace, metric.metricName, metric.dimensions)
      ?.datapoints ?? []
  );
};

/** Resolves once the next primary probe has published (so that an outage falls between two probes). */
async function afterNextProbe(on: World): Promise<void> {
  const before = probePoints(on).length;
  await on.until(() => probePoints(on).length > before, { timeoutSeconds: 120 });
}

/** Stops every running execution: these tests are about what starts them, not the failover. */
function stopAll(on: World): void {
  for (const execution of on.stepFunctions.list()) {
    if (execution.status === 'RUNNING')
      on.stepFunctions.stop(execution.arn, 'TestDone', 'stopped by the test');
  }
}

describe('the DR-side detection path (primary probe → alarm in the DR region)', () => {
  it('raises no alarm and starts nothing for one failed probe minute', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400 });
    await afterNextProbe(world);

    // Act: down for 20 s around the next probe: that probe fails, the next ones pass (and the
    // 10-second Route 53 checks see two failures, short of their threshold of three).
    await world.runFor(45);
    world.faults.regionOutage(undefined, { durationSeconds: 20 });
    await world.runFor(300);

    // Assess
    const outageAt = world.events.list({ type: 'region.outage' })[0]?.at ?? 0;
    const after = probePoints(world).filter((d) => d.at >= outageAt);
    expect(after.length).toBeGreaterThanOrEqual(4);
    expect(after.map((d) => d.max)).toEqual([0, ...after.slice(1).map(() => 1)]);
    expect(world.events.list().filter(alarmed(drPath))).toEqual([]);
    expect(world.stepFunctions.list()).toEqual([]);
  });

  it(`raises its alarm within 4 simulated minutes of a us-east-1 outage and starts an unnamed execution from the DR rule`, async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400 });
    await world.runFor(100);
    const outageAt = world.clock.now();

    // Act
    world.faults.regionOutage();
    await world.until((events) => events.some((e) => e.type === 'failover.triggered'), {
      timeoutSeconds: 600,
    });
    stopAll(world);
    const events = world.events.list({ since: outageAt });

    // Assess
    const alarm = events.find(alarmed(drPath));
    const seconds = ((alarm?.at ?? Number.NaN) - outageAt) / 1000;
    expect(seconds).toBeGreaterThanOrEqual((plan.detection.probe.failedMinutes - 1) * 60);
    expect(seconds).toBeLessThanOrEqual(240);
    expect(events.filter(alarmed(fastPath))).toEqual([]);
    expect(world.measurements()).toMatchObject({ detectionPath: 'dr-probe', detectionAlarm: drPath });
    const [execution] = world.stepFunctions.list();
    expect(execution?.name).toMatch(UUID);
    const input = JSON.parse(execution?.input ?? '{}') as Record<string, string>;
    expect(Object.keys(input).sort()).toEqual(['incidentId', 'mode', 'reason', 'requestedBy']);
    expect(input).toMatchObject({ mode: 'failover', requestedBy: `alarm:${drPath}` });
    expect(input.incidentId).toMatch(UUID);
    expect(input.reason?.length).toBeLessThanOrEqual(500);
  });
});

describe('the fast path (Route 53 health check → alarm in us-east-1 → forwarded to the DR bus)', () => {
  it('detects an application outage while us-east-1 is up, and EventBridge forwards the alarm to the DR rule', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400 });
    await world.runFor(65);
    const outageAt = world.clock.now();

    // Act
    world.faults.applicationOutage();
    await world.until((events) => events.filter((e) => e.type === 'failover.triggered').length >= 2, {
      timeoutSeconds: 900,
    });
    stopAll(world);
    const events = world.events.list({ since: outageAt });

    // Assess
    const fast = events.find(alarmed(fastPath));
    const dr = events.find(alarmed(drPath));
    expect(fast?.at).toBeLessThan(dr?.at ?? 0);
    expect(world.measurements()).toMatchObject({
      detectionPath: 'route53-health-check',
      detectionAlarm: fastPath,
    });
    const forwarded = events.find((e) => e.type === 'eventbridge.delivered');
    expect(forwarded?.detail).toMatchObject({ alarm: fastPath, region: 'us-east-1', to: plan.regions.dr });
    // Both paths fired: EventBridge delivers both, the world starts both (one failover at a time is
    // drctl's preflight lock, tested with the functions).
    const requestedBy = world.stepFunctions.list().map((e) => JSON.parse(e.input).requestedBy);
    expect(requestedBy).toEqual([`alarm:${fastPath}`, `alarm:${drPath}`]);
  });

  it('delivers nothing while us-east-1 EventBridge is down, and the event late once it is back', async () => {
    // Prepare: no schedules, so that the DR-side path stays out of it.
    world = await startWorld({ plan, scale: 400, schedule: false });
    await world.runFor(65);
    const unsubscribe = world.events.subscribe((event) => {
      if (alarmed(fastPath)(event)) world?.faults.regionOutage('us-east-1', { durationSeconds: 600 });
    });

    // Act
    world.faults.applicationOutage();
    await world.until((events) => events.some((e) => e.type === 'eventbridge.undelivered'), {
      timeoutSeconds: 600,
    });
    unsubscribe();
    await world.runFor(300);
    const during = world.stepFunctions.list().length;
    await world.until((events) => events.some((e) => e.type === 'failover.triggered'), {
      timeoutSeconds: 600,
    });
    stopAll(world);

    // Assess
    const undelivered = world.events.list({ type: 'eventbridge.undelivered' });
    expect(undelivered[0]?.detail).toMatchObject({ alarm: fastPath, region: 'us-east-1', dropped: false });
    expect(undelivered.length).toBeGreaterThanOrEqual(5);
    expect(during).toBe(0);
    const forwarded = world.events.list({ type: 'eventbridge.delivered' })[0];
    expect(forwarded?.detail).toMatchObject({ region: 'us-east-1', late: true });
    const [execution] = world.stepFunctions.list();
    const input = JSON.parse(execution?.input ?? '{}');
    expect(input.requestedBy).toBe(`alarm:${fastPath}`);
    // The DR bus got a new event (bus-to-bus forwarding gives it a new id).
    expect(input.incidentId).not.toBe(undelivered[0]?.detail.eventId);
  });
});

describe('EventBridge delivers at least once', () => {
  it('starts one execution per delivered copy: the world does not deduplicate', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400 });
    await world.runFor(65);
    world.faults.duplicateAlarmEvents(1);

    // Act
    world.faults.regionOutage();
    await world.until((events) => events.filter((e) => e.type === 'failover.triggered').length >= 2, {
      timeoutSeconds: 600,
    });
    stopAll(world);

    // Assess
    const executions = world.stepFunctions.list();
    expect(executions).toHaveLength(2);
    expect(new Set(executions.map((e) => e.name)).size).toBe(2);
    expect(new Set(executions.map((e) => JSON.parse(e.input).incidentId)).size).toBe(1);
  });

  it('both detection paths firing make one failover: the later run ends SUCCEEDED "skipped"', async () => {
    // Prepare: only the application is down, so the fast path (us-east-1 up) and the DR probe both fire
    world = await startWorld({ plan, scale: 400 });
    await world.runFor(180);

    // Act
    world.faults.applicationOutage();
    await world.until((events) => events.filter((e) => e.type === 'failover.triggered').length >= 2, {
      timeoutSeconds: 900,
    });
    await world.until(() => world?.stepFunctions.list().every((e) => e.status !== 'RUNNING') ?? true, {
      timeoutSeconds: 1_800,
    });

    // Assess
    const runs = world.stepFunctions.list();
    const paths = runs.map((e) => JSON.parse(e.input).requestedBy as string);
    expect(new Set(paths).size).toBe(2);
    const outcomes = runs.map((e) => JSON.parse(e.output ?? '{}').outcome as string);
    expect(outcomes.filter((o) => o === 'failed-over')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'skipped').length).toBe(runs.length - 1);
    expect(world.events.list({ type: 'rds.promotion-started' })).toHaveLength(plan.databases.length);
  });
});
