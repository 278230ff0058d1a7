import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceName, World } from '../../../local/index.ts';
import { readyWorld, referencePlan } from './support.ts';

const plan = referencePlan();
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const BROWN_OUT_SECONDS = 120;

/** A world ready to fail over (replication seen active), with the primary region down. */
async function downWorld(): Promise<World> {
  const started = await readyWorld(plan, { scale: 1_000, seed: 7 });
  started.faults.regionOutage();
  return started;
}

const input = { mode: 'failover', reason: 'brown-out drill', incidentId: 'INC-B', requestedBy: 'alice' };

describe('a two-minute brown-out of a DR-region API the recovery uses does not fail the failover', () => {
  // Each service once (throttling or 5xx: both are retried the same way); Step Functions itself is
  // the caller here, so its own API (the run lock's ListExecutions) stands for "sfn".
  it.each<[ServiceName, 'throttle' | 'serverErrors']>([
    ['rds', 'throttle'],
    ['ecs', 'serverErrors'],
    ['cloudwatch', 'throttle'],
    ['sns', 'serverErrors'],
    ['lambda', 'serverErrors'],
    ['sfn', 'throttle'],
  ])('%s answering with %s for two minutes from the start of the run', async (service, fault) => {
    // Prepare
    world = await downWorld();
    const w = world;
    w.faults[fault](service, 1, { region: plan.regions.dr });
    w.after(BROWN_OUT_SECONDS, () => w.faults[fault](service, 0, { region: plan.regions.dr }));

    // Act
    const execution = w.stepFunctions.start(input, `brown-out-${service}-${fault}`);
    await w.stepFunctions.wait(execution.arn);

    // Assess
    expect(execution.status, `${execution.error}: ${execution.cause}`).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}').outcome).toBe('failed-over');
    expect(w.snapshot().dns.resolvesTo).toBe(plan.application.dr.target);
  });

  it('notifications never hold the recovery up: with SNS failing, promotions start within seconds of the confirmation', async () => {
    // Prepare
    world = await downWorld();
    world.faults.serverErrors('sns', 1);

    // Act
    const execution = world.stepFunctions.start(input, 'sns-down');
    await world.stepFunctions.wait(execution.arn);

    // Assess
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    const steps = world.steps(execution.arn);
    const confirmed = Date.parse(steps.find((s) => s.state === 'Confirm')?.endedAt ?? '');
    const promoting = world.events.list({ type: 'rds.promotion-started' })[0]?.at ?? Number.NaN;
    expect((promoting - confirmed) / 1000).toBeLessThan(5);
    expect(world.messages()).toEqual([]);
  });
});
