import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS, startWorld, type World, type WorldEvent } from '../../../local/index.ts';
import { GATE_ALARM_PERIOD_SECONDS, GATE_CLOSED, gateAlarmName, gateMetric } from '../../../plan/names.ts';
import { referencePlan, resolveThroughWorld, worldClient } from './support.ts';

const plan = referencePlan();
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

/**
 * What the switch does for dns.strategy gate: one PutMetricData 0 in the DR region. Returns the
 * simulated instant CloudWatch stamped the datapoint with (the SDK's first call takes wall time,
 * which the scaled clock turns into many simulated seconds).
 */
async function closeGate(on: World): Promise<number> {
  const metric = gateMetric(plan);
  await worldClient(on, CloudWatchClient, plan.regions.dr).send(
    new PutMetricDataCommand({
      Namespace: metric.namespace,
      MetricData: [{ MetricName: metric.metricName, Dimensions: metric.dimensions, Value: GATE_CLOSED }],
    }),
  );
  const stored = on.models.cloudWatch.find(
    plan.regions.dr,
    metric.namespace,
    metric.metricName,
    metric.dimensions,
  );
  return stored?.datapoints.at(-1)?.at ?? Number.NaN;
}

const first = (events: WorldEvent[], match: (e: WorldEvent) => boolean) => events.find(match);
const seconds = (from: number, event: WorldEvent | undefined) =>
  event === undefined ? Number.NaN : (event.at - from) / 1000;

describe('the traffic gate (dns.strategy gate)', () => {
  it('moves the public record to the DR target after a PutMetricData 0, within the documented delays and the TTL, and keeps it there', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
    await world.runFor(30);
    const { alarmHealthCheckSeconds, healthToDnsSeconds } = DEFAULT_TIMINGS;
    const gateCheck = world.models.healthChecks.alarmChecks[0];

    // Act
    const closedAt = await closeGate(world);
    const rightAfter = await resolveThroughWorld(world, plan.dns.record);
    await world.until((events) => events.some((e) => e.type === 'traffic.served' && e.detail.role === 'dr'), {
      timeoutSeconds: 600,
    });
    const moved = await resolveThroughWorld(world, plan.dns.record);
    const events = world.events.list({ since: closedAt });
    const alarmed = first(
      events,
      (e) => e.type === 'alarm.state' && e.detail.alarm === gateAlarmName(plan) && e.detail.state === 'ALARM',
    );
    const unhealthy = first(events, (e) => e.type === 'healthcheck.unhealthy' && e.detail.role === 'gate');
    const answered = first(events, (e) => e.type === 'dns.answer-changed');
    const served = first(events, (e) => e.type === 'traffic.served' && e.detail.role === 'dr');
    await world.runFor(900);
    const later = await resolveThroughWorld(world, plan.dns.record);

    // Assess
    expect(rightAfter).toEqual([plan.application.primary.target]);
    expect(moved).toEqual([plan.application.dr.target]);
    expect(later).toEqual([plan.application.dr.target]);
    // Each link of the path within its modelled delay (docs/local-world-timings.md).
    expect(seconds(closedAt, alarmed)).toBeLessThanOrEqual(GATE_ALARM_PERIOD_SECONDS + 1);
    expect(seconds(alarmed?.at ?? 0, unhealthy)).toBeLessThanOrEqual(alarmHealthCheckSeconds);
    expect(seconds(unhealthy?.at ?? 0, answered)).toBeCloseTo(healthToDnsSeconds, 0);
    expect(answered?.detail).toMatchObject({ to: plan.application.dr.target });
    expect(seconds(answered?.at ?? 0, served)).toBeGreaterThanOrEqual(plan.dns.ttl);
    expect(seconds(answered?.at ?? 0, served)).toBeLessThanOrEqual(plan.dns.ttl + 2);
    expect(seconds(closedAt, served)).toBeLessThanOrEqual(
      GATE_ALARM_PERIOD_SECONDS + alarmHealthCheckSeconds + healthToDnsSeconds + plan.dns.ttl + 3,
    );
    // No further data: the alarm ignores missing data, the check and the answers stay put.
    expect(world.snapshot().alarms.find((a) => a.name === gateAlarmName(plan))?.state).toBe('ALARM');
    expect(gateCheck?.healthy).toBe(false);
    expect(world.events.list({ type: 'dns.answer-changed' })).toHaveLength(1);
  });

  it('starts open with no gate data (a new check is healthy) and keeps a closed gate closed while the DR CloudWatch cannot be read', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
    await world.runFor(90);
    const gateCheck = world.models.healthChecks.alarmChecks[0];
    const openBefore = gateCheck?.healthy;
    const alarmBefore = world.snapshot().alarms.find((a) => a.name === gateAlarmName(plan))?.state;
    await closeGate(world);
    await world.until((events) => events.some((e) => e.type === 'traffic.served' && e.detail.role === 'dr'), {
      timeoutSeconds: 600,
    });

    // Act: the DR region (its CloudWatch with it) is down for ten minutes, then comes back.
    world.faults.regionOutage(plan.regions.dr, { durationSeconds: 600 });
    await world.runFor(300);
    const during = gateCheck?.lastReport;
    await world.runFor(400);

    // Assess
    expect(openBefore).toBe(true);
    expect(alarmBefore).toBe('INSUFFICIENT_DATA');
    expect(during).toMatch(/^Insufficient data: .* unreadable; InsufficientDataHealthStatus LastKnownStatus/);
    expect(gateCheck?.healthy).toBe(false);
    expect(await resolveThroughWorld(world, plan.dns.record)).toEqual([plan.application.dr.target]);
    expect(world.events.list({ type: 'dns.answer-changed' })).toHaveLength(1);
  });
});
