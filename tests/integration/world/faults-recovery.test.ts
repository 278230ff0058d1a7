import { afterEach, describe, expect, it } from 'vitest';
import type { World } from '../../../local/index.ts';
import { failoverInput, readyWorld, referencePlan } from './support.ts';

const plan = referencePlan();
/** The reference plan moving its record through the Route 53 API instead of the gate. */
const simplePlan = { ...plan, dns: { ...plan.dns, strategy: 'simple' as const } };
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('faults the failover recovers from', () => {
  it('retries throttling on RDS, ECS and CloudWatch (the gate) and 5xx on SNS, and still succeeds', async () => {
    // Prepare
    world = await readyWorld(plan, { seed: 3 });
    // RDS and CloudWatch throttle more calls in a row than the SDK retries: the state machine retries.
    world.faults.throttle('rds', 1, { count: 3 });
    world.faults.throttle('ecs', 1, { count: 2 });
    world.faults.throttle('cloudwatch', 1, { count: 3 });
    world.faults.serverErrors('sns', 1, { count: 2 });

    // Act
    const execution = world.stepFunctions.start(failoverInput('THROTTLE-1'), 'throttled');
    await world.stepFunctions.wait(execution.arn);

    // Assess
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    const snapshot = world.snapshot();
    const throttled = world.apiCalls().filter((call) => /Throttl/.test(call.outcome));
    expect(throttled.map((call) => call.service).sort()).toEqual([
      'cloudwatch',
      'cloudwatch',
      'cloudwatch',
      'ecs',
      'ecs',
      'rds',
      'rds',
      'rds',
    ]);
    expect(world.events.list({ type: 'state.retried' }).length).toBeGreaterThan(0);
    expect(world.apiCalls().filter((call) => call.outcome === 'InternalError')).toHaveLength(2);
    expect(world.messages().length).toBeGreaterThanOrEqual(2);
    expect(snapshot.dns.resolvesTo).toBe(plan.application.dr.target);
    expect(world.events.list({ type: 'rds.promotion-started' })).toHaveLength(plan.databases.length);
  });

  it('succeeds while the primary region is down (its APIs refuse connections)', async () => {
    // Prepare
    world = await readyWorld(plan, { seed: 3 });
    world.faults.regionOutage();

    // Act
    const execution = world.stepFunctions.start(failoverInput('OUTAGE-1'), 'primary-down');
    await world.stepFunctions.wait(execution.arn);

    // Assess
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(world.snapshot().databases.every((d) => d.replica.role === 'standalone')).toBe(true);
  });

  it('a rejected DNS change (simple strategy) fails the run after promotion, says so, and a re-run completes without a second promotion', async () => {
    // Prepare
    world = await readyWorld(simplePlan, { seed: 3 });
    world.faults.rejectDnsChanges(1);

    // Act
    const first = world.stepFunctions.start(failoverInput('DNS-1'), 'dns-rejected');
    await world.stepFunctions.wait(first.arn);
    const failureNotice = world.messages().at(-1);
    const second = world.stepFunctions.start(failoverInput('DNS-1'), 'dns-rerun');
    await world.stepFunctions.wait(second.arn);

    // Assess
    expect(first.status).toBe('FAILED');
    expect(world.events.list({ type: 'route53.change-rejected' })).toHaveLength(1);
    expect(first.error).toBe('DnsChangeRejectedError');
    expect(failureNotice?.subject).toContain('FAILED');
    expect(failureNotice?.message).toContain('Route 53 rejected the change');
    expect(failureNotice?.message).toMatch(/shop-orders-replica promoted/);
    expect(second.status, second.cause).toBe('SUCCEEDED');
    expect(world.events.list({ type: 'rds.promotion-started' })).toHaveLength(plan.databases.length);
    expect(world.snapshot().dns.values[0]?.values).toEqual([plan.application.dr.target]);
  });
});
