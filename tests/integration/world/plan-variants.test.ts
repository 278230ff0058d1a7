import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World, type WorldEvent } from '../../../local/index.ts';
import { drDetectionAlarmName } from '../../../plan/names.ts';
import { failoverOf, planInRegions, referencePlan } from './support.ts';

const reference = referencePlan();
let world: World | undefined;
const drServes = (e: WorldEvent) =>
  e.type === 'traffic.served' && e.detail.role === 'dr' && e.detail.serving === true;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('plan variants', () => {
  it('weighted DNS: the failover moves the weight to the DR record and the traffic follows', async () => {
    // Prepare: weighted records change through the Route 53 API, which an outage of us-east-1
    // takes down: this variant's primary is elsewhere.
    const moved = planInRegions(reference, 'eu-west-1', reference.regions.dr);
    const plan = { ...moved, dns: { ...moved.dns, strategy: 'weighted' as const } };
    world = await startWorld({ plan, scale: 400 });
    const before = world.snapshot().dns.values.map((r) => [r.setIdentifier, r.weight]);

    // Act
    world.faults.regionOutage();
    await world.until((events) => events.some(drServes), { timeoutSeconds: 1_800 });
    const failover = await failoverOf(world);

    // Assess
    expect(before).toEqual([
      ['primary', 100],
      ['dr', 0],
    ]);
    expect(failover.status, failover.cause).toBe('SUCCEEDED');
    expect(world.snapshot().dns.values.map((r) => [r.setIdentifier, r.weight])).toEqual([
      ['primary', 0],
      ['dr', 100],
    ]);
    expect(world.snapshot().dns.resolvesTo).toBe(plan.application.dr.target);
  });

  it('approval trigger: the alarm starts a run that waits for a person before the point of no return', async () => {
    // Prepare
    const plan = { ...reference, failover: { ...reference.failover, trigger: 'approval' as const } };
    // The schedules run: the DR-side path needs its probe.
    world = await startWorld({ plan, scale: 400 });

    // Act
    world.faults.regionOutage();
    await world.until((events) => events.some((e) => e.type === 'failover.approval-requested'), {
      timeoutSeconds: 600,
    });
    await world.runFor(120);

    // Assess
    const waiting = world.stepFunctions.list().filter((e) => e.status === 'RUNNING');
    expect(waiting).toHaveLength(1);
    expect(world.messages().map((m) => m.subject)).toContain(
      `[drctl] shop failover WAITS FOR A DECISION: run ${waiting[0]?.name}`,
    );
    expect(world.events.list({ type: 'rds.promotion-started' })).toEqual([]);
    // us-east-1 is down with the primary: the DR-side path detects it.
    expect(world.snapshot().alarms.find((a) => a.name === drDetectionAlarmName(plan))?.state).toBe('ALARM');
  });
});
