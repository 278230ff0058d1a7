import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World, type WorldEvent } from '../../../local/index.ts';
import { decisionParameterName } from '../../../plan/names.ts';
import type { Plan } from '../../../plan/schema.ts';
import { failoverOf, referencePlan, worldClient } from './support.ts';

const reference = referencePlan();
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const started = (events: WorldEvent[]) => events.some((e) => e.type === 'execution.started');
const promotionStarted = (events: WorldEvent[]) => events.some((e) => e.type === 'rds.promotion-started');

/** What the old primary looks like: its services' desired counts and whether its databases are read only. */
function oldPrimary(w: World, plan: Plan) {
  const services = plan.services.map((s) => {
    const cluster = w.models.ecs.findCluster(plan.regions.primary, s.primary.cluster);
    return cluster ? w.models.ecs.findService(cluster, s.primary.service)?.desiredCount : undefined;
  });
  const readOnly = plan.databases.map((db) => {
    const instance = w.models.rds.find(db.primary.region, db.primary.identifier);
    return instance ? w.models.rds.parameterGroups.readOnly(instance) : undefined;
  });
  return { services, readOnly };
}

async function decide(w: World, plan: Plan, executionName: string, document: Record<string, unknown>) {
  const ssm = worldClient(w, SSMClient, plan.regions.dr);
  await ssm.send(
    new PutParameterCommand({
      Name: decisionParameterName(plan, executionName),
      Type: 'String',
      Value: JSON.stringify(document),
    }),
  );
}

describe('the point of no return', () => {
  it('fences the old primary when its region comes back mid-failover: no diverged write, one writer throughout', async () => {
    // Prepare
    world = await startWorld({ plan: reference, scale: 400 });
    world.faults.regionOutage();
    await world.until(promotionStarted, { timeoutSeconds: 900 });

    // Act: the region comes back 100 s into the promotions
    await world.runFor(100);
    world.faults.regionRecovers();
    const failover = await failoverOf(world);
    await world.runFor(120);

    // Assess
    expect(failover.status, failover.cause).toBe('SUCCEEDED');
    const output = JSON.parse(failover.output ?? '{}') as {
      fencing: { resources: { kind: string; outcome: string }[] };
    };
    expect(output.fencing.resources.map((r) => r.outcome)).toEqual(
      output.fencing.resources.map(() => 'fenced'),
    );
    expect(oldPrimary(world, reference)).toEqual({ services: [0, 0, 0], readOnly: [true, true] });
    expect(world.divergedWrites().map((d) => d.writes)).toEqual([0, 0]);
    expect(world.measurements().rpo.writesDiverged).toBe(0);
    expect(world.singleWriterViolations()).toEqual([]);
  });

  it('counts diverged writes and a second writer when traffic is sent back to an unfenced old primary (the checks can fail)', async () => {
    // Prepare: no fencing schedule; the old primary stays down through the failover
    world = await startWorld({ plan: reference, scale: 400, schedule: { primaryProbe: true } });
    world.faults.regionOutage();
    const failover = await failoverOf(world);
    world.faults.regionRecovers();
    await world.runFor(60);

    // Act: someone opens the gate by hand (a failback without fencing or reconciling)
    await worldClient(world, CloudWatchClient, reference.regions.dr).send(
      new PutMetricDataCommand({
        Namespace: 'drctl',
        MetricData: [
          { MetricName: 'PrimaryTrafficGate', Dimensions: [{ Name: 'Plan', Value: 'shop' }], Value: 1 },
        ],
      }),
    );
    await world.runFor(300);

    // Assess
    expect(failover.status, failover.cause).toBe('SUCCEEDED');
    expect(world.measurements().rpo.writesDiverged).toBeGreaterThan(0);
    expect(
      world
        .singleWriterViolations()
        .map((v) => v.databaseId)
        .sort(),
    ).toEqual(['catalog', 'orders']);
  });

  it('fences later, on the schedule, when the primary region is still down at the end of the failover', async () => {
    // Prepare
    world = await startWorld({ plan: reference, scale: 400 });
    world.faults.regionOutage();
    const failover = await failoverOf(world);
    const pending = JSON.parse(failover.output ?? '{}') as {
      fencing: { resources: { kind: string; outcome: string }[] };
    };

    // Act
    world.faults.regionRecovers();
    await world.runFor(reference.detection.scheduleMinutes * 60 + 30);

    // Assess
    expect(failover.status, failover.cause).toBe('SUCCEEDED');
    expect(
      pending.fencing.resources.filter((r) => r.kind !== 'traffic').every((r) => r.outcome === 'pending'),
    ).toBe(true);
    expect(oldPrimary(world, reference)).toEqual({ services: [0, 0, 0], readOnly: [true, true] });
    expect(world.singleWriterViolations()).toEqual([]);
    expect(world.measurements().rpo.writesDiverged).toBe(0);
  });

  it('with trigger approval, waits for a person; an approval that comes after the primary recovered stands the run down', async () => {
    // Prepare
    const plan: Plan = { ...reference, failover: { ...reference.failover, trigger: 'approval' } };
    world = await startWorld({ plan, scale: 400 });
    world.faults.regionOutage();
    await world.until(started, { timeoutSeconds: 900 });
    const execution = world.stepFunctions.list()[0];

    // Act: the region comes back while the run waits; a person approves a minute later
    world.faults.regionRecovers();
    await world.runFor(60);
    await decide(world, plan, execution?.name ?? '', {
      decision: 'approve',
      reason: 'go',
      decidedBy: 'alice',
    });
    const ended = await failoverOf(world);

    // Assess
    expect(JSON.parse(ended.output ?? '{}')).toMatchObject({ outcome: 'stood-down' });
    expect(world.events.list({ type: 'rds.promotion-started' })).toEqual([]);
    expect(world.messages().map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/WAITS FOR A DECISION/),
        expect.stringMatching(/STOOD DOWN/),
      ]),
    );
  });

  it('with trigger approval, an approval while the primary is down fails over and records who decided', async () => {
    // Prepare
    const plan: Plan = { ...reference, failover: { ...reference.failover, trigger: 'approval' } };
    world = await startWorld({ plan, scale: 400 });
    world.faults.regionOutage();
    await world.until(started, { timeoutSeconds: 900 });
    const execution = world.stepFunctions.list()[0];

    // Act
    await decide(world, plan, execution?.name ?? '', {
      decision: 'approve',
      reason: 'region gone',
      decidedBy: 'alice',
    });
    const ended = await failoverOf(world);

    // Assess
    expect(ended.status, ended.cause).toBe('SUCCEEDED');
    expect(JSON.parse(ended.output ?? '{}')).toMatchObject({
      outcome: 'failed-over',
      decision: {
        status: 'approved',
        decision: { decidedBy: 'alice', author: 'arn:aws:iam::111111111111:user/AKIATEST' },
      },
    });
    expect(world.messages().at(-1)?.message).toContain('Decision: approve by alice');
  });

  it('with trigger approval, a denial changes nothing', async () => {
    // Prepare
    const plan: Plan = { ...reference, failover: { ...reference.failover, trigger: 'approval' } };
    world = await startWorld({ plan, scale: 400 });
    world.faults.regionOutage();
    await world.until(started, { timeoutSeconds: 900 });
    const execution = world.stepFunctions.list()[0];

    // Act
    await decide(world, plan, execution?.name ?? '', {
      decision: 'deny',
      reason: 'the primary is coming back',
    });
    const ended = await failoverOf(world);

    // Assess
    expect(JSON.parse(ended.output ?? '{}')).toMatchObject({ outcome: 'denied' });
    expect(world.events.list({ type: ['rds.promotion-started', 'ecs.desired-count'] })).toEqual([]);
  });
});
