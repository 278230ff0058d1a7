import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { scaledPlan } from '../../../bench/recovery/scaled-plan.ts';
import { startWorld, WallDate, type World } from '../../../local/index.ts';
import type { Plan } from '../../../plan/schema.ts';
import { referencePlan, worldClient } from './support.ts';

let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const failoverInput = {
  mode: 'failover',
  reason: 'world time test',
  incidentId: 'I-TIME',
  requestedBy: 'test',
};

/** Primary region down, then a hand failover; the execution once it has ended. */
async function failover(plan: Plan, scale: number) {
  // A fixed start instant: CloudWatch evaluates alarms on minute boundaries, so the phase of the
  // run against the clock's minutes must be the same for two runs to be comparable.
  world = await startWorld({
    plan,
    scale,
    seed: 4,
    schedule: false,
    alarmTrigger: false,
    startAt: new Date('2026-06-01T12:00:00.000Z'),
  });
  world.faults.regionOutage();
  await world.runFor(5);
  const started = world.clock.now();
  const execution = await world.stepFunctions.wait(world.stepFunctions.start(failoverInput).arn);
  const seconds = ((execution.stopDate?.getTime() ?? 0) - started) / 1000;
  await world.close();
  world = undefined;
  return { status: execution.status, error: execution.error, seconds };
}

describe('world time', () => {
  it('runs world.after actions at their exact simulated instant while a failover keeps the handlers busy', async () => {
    // Prepare
    world = await startWorld({
      plan: referencePlan(),
      scale: 1_000,
      seed: 1,
      schedule: false,
      alarmTrigger: false,
    });
    const w = world;
    w.faults.regionOutage();
    const lateness: Promise<number>[] = [];
    const execution = w.stepFunctions.start(failoverInput);

    // Act
    for (let i = 0; i < 8; i++) {
      const asked = w.clock.now() + i * 20_000;
      lateness.push(
        new Promise((resolve) => w.after(i * 20 + 10, () => resolve(w.clock.now() - asked - 10_000))),
      );
    }
    await w.stepFunctions.wait(execution.arn);

    // Assess
    expect(await Promise.all(lateness)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('fails a 10-database, 50-service plan over at the default scale, as it does at a low one', {
    timeout: 90_000,
  }, async () => {
    // Prepare
    const plan = scaledPlan(referencePlan(), 10, 50);

    // Act
    const result = await failover(plan, 200);

    // Assess
    expect(result).toMatchObject({ status: 'SUCCEEDED' });
    expect(result.seconds).toBeLessThan(900);
  });

  it('gives the same drill the same outcome at a low and at a high scale', { timeout: 60_000 }, async () => {
    // Act
    const low = await failover(referencePlan(), 100);
    const high = await failover(referencePlan(), 5_000);

    // Assess
    expect(low.status).toBe('SUCCEEDED');
    expect(high.status).toBe('SUCCEEDED');
    expect(Math.abs(high.seconds - low.seconds)).toBeLessThan(20);
  });

  it.each([0.5, 20_000])('refuses scale %s with an error naming the limits', async (scale) => {
    // Act
    const opening = startWorld({ plan: referencePlan(), scale });

    // Assess
    await expect(opening).rejects.toThrow(
      'it must be a number from 1 to 10000 simulated seconds per wall second',
    );
  });

  it('keeps to wall time at scale 1: calls from outside cost no simulated time, calls drctl marks do', async () => {
    // Prepare
    world = await startWorld({ plan: referencePlan(), scale: 1, schedule: false, alarmTrigger: false });
    const outside = worldClient(world, CloudWatchClient, 'us-east-1');
    const marked = new CloudWatchClient({
      region: 'us-east-1',
      endpoint: world.endpoint,
      credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' },
      customUserAgent: [['drctl-call', 'required']],
      maxAttempts: 1,
    });
    const simStart = world.clock.now();
    const wallStart = WallDate.now();

    // Act
    for (let i = 0; i < 40; i++) await outside.send(new DescribeAlarmsCommand({}));
    const outsideDrift = world.clock.now() - simStart - (WallDate.now() - wallStart);
    for (let i = 0; i < 10; i++) await marked.send(new DescribeAlarmsCommand({}));
    const markedDrift = world.clock.now() - simStart - (WallDate.now() - wallStart) - outsideDrift;

    // Assess: 40 outside calls once cost 40 × 150 ms.
    expect(Math.abs(outsideDrift)).toBeLessThan(150);
    expect(markedDrift).toBeGreaterThan(10 * 150 - 150);
  });
});
