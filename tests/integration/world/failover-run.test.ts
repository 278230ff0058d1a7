import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { referencePlan } from './support.ts';

const plan = referencePlan();
let world: World;

beforeAll(async () => {
  world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
  // Replication must have been observed active before the RPO guard lets a failover through.
  await world.runFor(180);
});
afterAll(async () => {
  await world?.close();
});

describe('a failover started through the Step Functions API', () => {
  it('ends SUCCEEDED with replicas promoted, DR services running, DNS on the DR target and notices sent', async () => {
    // Prepare
    const sfn = new SFNClient({
      region: plan.regions.dr,
      endpoint: world.endpoint,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const input = { mode: 'failover', reason: 'drill', incidentId: 'INC-1', requestedBy: 'test' };

    // Act
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: world.stepFunctions.stateMachineArn,
        name: 'drill-1',
        input: JSON.stringify(input),
      }),
    );
    await world.stepFunctions.wait(executionArn as string);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const snapshot = world.snapshot();

    // Assess
    expect(described.status, `${described.error}: ${described.cause}`).toBe('SUCCEEDED');
    expect(snapshot.databases.map((d) => [d.replica.status, d.replica.role, d.replica.source])).toEqual([
      ['available', 'standalone', null],
      ['available', 'standalone', null],
    ]);
    expect(snapshot.services.map((s) => s.dr?.healthyTargets)).toEqual(
      plan.services.map((s) => s.drDesiredCount),
    );
    // Gate strategy: the records stay, DNS answers the DR target because the gate is closed.
    expect(snapshot.dns.values.map((r) => [r.failover, r.values])).toEqual([
      ['PRIMARY', [plan.application.primary.target]],
      ['SECONDARY', [plan.application.dr.target]],
    ]);
    expect(snapshot.dns.resolvesTo).toBe(plan.application.dr.target);
    expect(snapshot.alarms.find((a) => a.name === 'shop-traffic-gate-closed')?.state).toBe('ALARM');
    expect(world.messages().length).toBeGreaterThanOrEqual(2);
  });

  it('tells each step with simulated durations consistent with the world timings', () => {
    // Prepare
    const execution = world.stepFunctions.list()[0];

    // Act
    const steps = world.steps(execution?.arn ?? '');

    // Assess
    const step = (state: string, index: number | null = null) =>
      steps.find((s) => s.state === state && s.index === index);
    expect(step('Preflight')?.outcome).toBe('succeeded');
    expect(step('StartPromotion', 0)?.outcome).toBe('succeeded');
    expect(step('StartPromotion', 1)?.outcome).toBe('succeeded');
    // The promotions take the world's 300 s, polled at the plan's interval; the services need 35-75 s.
    expect(step('PromoteDatabases')?.seconds).toBeGreaterThanOrEqual(300);
    expect(step('PromoteDatabases')?.seconds).toBeLessThan(300 + 2 * plan.failover.pollSeconds.promotion);
    expect(step('ScaleServices')?.seconds).toBeGreaterThanOrEqual(35);
    expect(step('ScaleServices')?.seconds).toBeLessThan(75 + 2 * plan.failover.pollSeconds.service);
    expect(step('SwitchDns')?.outcome).toBe('succeeded');
  });
});
