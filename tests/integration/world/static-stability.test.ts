import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { recoveryPath } from '../../../statemachines/recovery-path.ts';
import { failoverOf, planInRegions, referencePlan } from './support.ts';

const reference = referencePlan();
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The declared (service, region, operation) triples of the recovery path. */
function declared(plan: ReturnType<typeof referencePlan>): Set<string> {
  return new Set(
    recoveryPath(plan).flatMap((step) =>
      step.calls.flatMap((call) =>
        call.operations.map((operation) => `${call.service}|${call.region}|${operation}`),
      ),
    ),
  );
}

describe('static stability: the recovery path needs neither the failed region nor a global control plane', () => {
  it('an unattended failover from a us-east-1 outage makes no required call to us-east-1, none to the Route 53 API, and only declared calls', async () => {
    // Prepare
    world = await startWorld({ plan: reference, scale: 400 });
    world.faults.regionOutage();

    // Act
    const failover = await failoverOf(world);
    const dependencies = world.dependencies({
      from: failover.startDate.getTime(),
      to: failover.stopDate?.getTime() ?? world.clock.now(),
    });

    // Assess
    expect(failover.status, failover.cause).toBe('SUCCEEDED');
    expect(dependencies.filter((d) => d.required && d.region === 'us-east-1')).toEqual([]);
    expect(dependencies.filter((d) => d.service === 'route53')).toEqual([]);
    const known = declared(reference);
    const required = dependencies.filter((d) => d.required);
    expect(required.length).toBeGreaterThan(0);
    for (const call of required) {
      expect(
        known.has(`${call.service}|${call.region}|${call.operation}`),
        `${call.service} ${call.region} ${call.operation} is not in statemachines/recovery-path.ts`,
      ).toBe(true);
    }
    // The only us-east-1 calls are best-effort ones (fencing the old primary), and they failed.
    for (const call of dependencies.filter((d) => d.region === 'us-east-1'))
      expect(call.failed).toBe(call.calls);
  });

  it('fails over with only the Route 53 control plane down', async () => {
    // Prepare
    world = await startWorld({ plan: reference, scale: 400, schedule: false, alarmTrigger: false });
    await world.runFor(180);
    world.faults.route53ControlPlaneOutage();

    // Act
    const execution = world.stepFunctions.start(
      { mode: 'failover', reason: 'control-plane event', incidentId: 'INC-CP', requestedBy: 'alice' },
      'control-plane-down',
    );
    await world.stepFunctions.wait(execution.arn);

    // Assess
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(world.snapshot().dns.resolvesTo).toBe(reference.application.dr.target);
    expect(
      world.dependencies({ from: execution.startDate.getTime() }).filter((d) => d.service === 'route53'),
    ).toEqual([]);
  });

  it('a plan with its primary in us-west-2 and DR in us-east-1 fails over unattended from an outage of us-west-2', async () => {
    // Prepare
    const plan = planInRegions(reference, 'us-west-2', 'us-east-1');
    world = await startWorld({ plan, scale: 400 });
    world.faults.regionOutage();

    // Act
    const failover = await failoverOf(world);

    // Assess
    expect(failover.status, failover.cause).toBe('SUCCEEDED');
    expect(world.snapshot().dns.resolvesTo).toBe(plan.application.dr.target);
    const dependencies = world.dependencies({ from: failover.startDate.getTime() });
    expect(dependencies.filter((d) => d.required && d.region === 'us-west-2')).toEqual([]);
  });
});
