import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World, type WorldEvent } from '../../../local/index.ts';
import { drDetectionAlarmName, gateAlarmName } from '../../../plan/names.ts';
import { referencePlan } from './support.ts';

const plan = referencePlan();
let world: World;
const ofType = (events: WorldEvent[], type: WorldEvent['type']) => events.filter((e) => e.type === type);

beforeAll(async () => {
  world = await startWorld({ plan, scale: 400, seed: 7 });
  // Let the health monitor observe active replication (the RPO guard needs it) before the outage.
  await world.runFor(420);
});
afterAll(async () => {
  await world?.close();
});

// Needs the lead's functions for dns.strategy gate (preflight reading the gate, update-dns gate,
// verify through DNS): with the functions of main, preflight refuses the failover records.
describe('an outage of all of us-east-1 (the primary), unattended', () => {
  it('is detected from the DR region, fails over through the gate with no Route 53 API call, and the world measures detection, RTO and RPO', async () => {
    // Prepare
    const { failedMinutes } = plan.detection.probe;
    const outageAt = world.clock.now();

    // Act
    world.faults.regionOutage();
    const drServes = (e: WorldEvent) =>
      e.type === 'traffic.served' && e.detail.role === 'dr' && e.detail.serving === true;
    await world.until((events) => events.some(drServes) && events.some((e) => e.type === 'execution.ended'), {
      timeoutSeconds: 1_800,
    });
    const events = world.events.list();
    const measured = world.measurements();

    // Assess
    const executions = world.stepFunctions.list();
    expect(executions).toHaveLength(1);
    expect(executions[0]?.status, executions[0]?.cause).toBe('SUCCEEDED');
    expect(JSON.parse(executions[0]?.input ?? '{}')).toMatchObject({
      mode: 'failover',
      requestedBy: `alarm:${drDetectionAlarmName(plan)}`,
    });
    // us-east-1 CloudWatch is down with the region: the DR-side path detects it, after
    // `failedMinutes` failed probe minutes and within four minutes.
    expect(measured.detectionPath).toBe('dr-probe');
    expect(measured.detectionSeconds).toBeGreaterThanOrEqual((failedMinutes - 1) * 60);
    expect(measured.detectionSeconds).toBeLessThanOrEqual(240);
    // The recovery path made no Route 53 API call and required nothing in us-east-1.
    expect(world.apiCalls().filter((c) => c.service === 'route53' && c.at >= outageAt)).toEqual([]);
    expect(
      world.dependencies({ from: outageAt }).filter((d) => d.region === 'us-east-1' && d.required),
    ).toEqual([]);
    // Recovery includes the 300 s promotion, DNS in sync and the TTL; it meets the plan's objective.
    expect(measured.rtoSeconds).toBeGreaterThan(300 + plan.dns.ttl);
    expect(measured.rtoSeconds).toBeLessThanOrEqual(plan.objectives.rtoSeconds);
    // RPO: the replication lag at the moment of the outage, for each database.
    expect(measured.rpo.seconds).toBe(2);
    expect(measured.rpo.writes).toBe(plan.databases.length * 2 * 20);
    expect(ofType(events, 'rds.promotion-completed')).toHaveLength(plan.databases.length);
    // Traffic moved on the data plane: the gate is closed and Route 53 answers the DR target.
    expect(world.snapshot().alarms.find((a) => a.name === gateAlarmName(plan))?.state).toBe('ALARM');
    expect(world.snapshot().dns.resolvesTo).toBe(plan.application.dr.target);
    // The scheduled health monitor ran and published its own metrics before the outage.
    expect(ofType(events, 'schedule.invoked').length).toBeGreaterThanOrEqual(1);
    const custom = [...world.models.cloudWatch.metrics.values()].filter(
      (m) => !m.namespace.startsWith('AWS/'),
    );
    expect(custom.length).toBeGreaterThan(0);
  });

  it('keeps the traffic in the DR region when the old primary comes back', async () => {
    // Prepare
    const before = world.stepFunctions.list().length;

    // Act
    world.faults.regionRecovers();
    await world.runFor(600);
    const snapshot = world.snapshot();

    // Assess
    // The old primary is fenced (no tasks), so its endpoint does not serve; traffic stays on DR.
    expect(snapshot.healthChecks.find((c) => c.role === 'primary')?.healthy).toBe(false);
    expect(snapshot.services.map((s) => s.primary?.desired)).toEqual(plan.services.map(() => 0));
    expect(snapshot.dns.resolvesTo).toBe(plan.application.dr.target);
    const lastTraffic = ofType(world.events.list(), 'traffic.served').at(-1);
    expect(lastTraffic?.detail).toMatchObject({ role: 'dr', serving: true });
    // The fenced old primary does not serve: alarms may fire again, and each run they start is
    // skipped (cooldown) with no change.
    const later = world.stepFunctions.list().slice(before);
    expect(later.map((e) => JSON.parse(e.output ?? '{}').outcome)).toEqual(later.map(() => 'skipped'));
    expect(ofType(world.events.list(), 'rds.promotion-started')).toHaveLength(plan.databases.length);
  });
});
