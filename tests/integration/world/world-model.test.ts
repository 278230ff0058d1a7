import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, WallDate, type World } from '../../../local/index.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
let world: World | undefined;

const client = <T>(Client: new (config: object) => T, region: string): T => {
  if (!world) throw new Error('start a world before creating clients');
  return worldClient(world, Client, region);
};

afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('the simulated clock', () => {
  it('runs the process on simulated time while the world runs and restores the real clock and environment after', async () => {
    // Prepare
    const startAt = new WallDate('2030-01-01T00:00:00Z');
    const endpointBefore = process.env.AWS_ENDPOINT_URL;

    // Act
    world = await startWorld({ plan, scale: 600, startAt, schedule: false, alarmTrigger: false });
    await world.runFor(1_200);
    const during = new Date();
    const endpointDuring = process.env.AWS_ENDPOINT_URL;
    const worldEndpoint = world.endpoint;
    await world.close();
    world = undefined;
    const after = new Date();

    // Assess
    expect(during.getTime()).toBeGreaterThanOrEqual(startAt.getTime() + 1_200_000);
    expect(during.getTime()).toBeLessThan(startAt.getTime() + 1_500_000);
    expect(Math.abs(after.getTime() - WallDate.now())).toBeLessThan(1_000);
    expect(endpointDuring).toBe(worldEndpoint);
    expect(process.env.AWS_ENDPOINT_URL).toBe(endpointBefore);
  });
});

describe('scheduled actions', () => {
  it('run at the exact simulated time asked for, even while handlers hold the clock', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
    const started = world.clock.now();
    let firedAt: number | undefined;
    world.after(300, () => {
      firedAt = world?.clock.now();
    });

    // Act: a dry run keeps handlers (and their clock holds) busy meanwhile.
    const execution = world.stepFunctions.start(
      { mode: 'dry-run', reason: 'timing', incidentId: 'T-1', requestedBy: 'test' },
      'timing',
    );
    await world.runFor(400);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(((firedAt ?? 0) - started) / 1000).toBeGreaterThanOrEqual(300);
    expect(((firedAt ?? 0) - started) / 1000).toBeLessThan(302);
  });
});

describe('RDS replication as RDS reports it', () => {
  it('reports ReplicaLag -1 and a replication error while the source region is down', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 300, schedule: false, alarmTrigger: false });
    world.faults.regionOutage();
    await world.runFor(180);

    // Act
    const { Datapoints } = await client(CloudWatchClient, plan.regions.dr).send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/RDS',
        MetricName: 'ReplicaLag',
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'shop-orders-replica' }],
        StartTime: new Date(Date.now() - 120_000),
        EndTime: new Date(),
        Period: 60,
        Statistics: ['Maximum'],
      }),
    );
    const { DBInstances } = await client(RDSClient, plan.regions.dr).send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'shop-orders-replica' }),
    );

    // Assess
    expect(Datapoints?.map((d) => d.Maximum)).toContain(-1);
    expect(DBInstances?.[0]?.StatusInfos?.[0]).toMatchObject({
      StatusType: 'read replication',
      Normal: false,
      Status: 'error',
    });
  });

  it('measures the RPO as the writes and seconds the replica lacked when the primary was lost', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 300, schedule: false, alarmTrigger: false });
    world.faults.replicaLagSpike(30, 600, 'orders');
    await world.runFor(60);

    // Act
    world.faults.regionOutage();
    const { rpo } = world.measurements();

    // Assess: 20 writes/s; orders lags 30 s (spike), catalog the normal 2 s.
    expect(rpo.databases).toEqual([
      { databaseId: 'orders', writesLost: 600, secondsLost: 30, cause: 'primary region outage' },
      { databaseId: 'catalog', writesLost: 40, secondsLost: 2, cause: 'primary region outage' },
    ]);
    expect(rpo.seconds).toBe(30);
  });

  it('refuses to promote a replica that is backing-up with InvalidDBInstanceStateFault', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 100, schedule: false, alarmTrigger: false });
    world.faults.databaseBackingUp('shop-orders-replica', 600);

    // Act
    const error = await client(RDSClient, plan.regions.dr)
      .send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'shop-orders-replica' }))
      .then(
        () => undefined,
        (e: Error) => e,
      );

    // Assess
    expect(error?.name).toBe('InvalidDBInstanceStateFault');
    expect(world.snapshot().databases[0]?.replica.status).toBe('backing-up');
  });
});

describe('ECS tasks', () => {
  it('go from PROVISIONING to RUNNING and HEALTHY after UpdateService, and the service reaches its count', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 300, schedule: false, alarmTrigger: false });
    const ecs = client(ECSClient, plan.regions.dr);

    // Act
    await ecs.send(new UpdateServiceCommand({ cluster: 'shop-dr', service: 'shop-web', desiredCount: 2 }));
    const { taskArns } = await ecs.send(
      new ListTasksCommand({ cluster: 'shop-dr', serviceName: 'shop-web' }),
    );
    const early = await ecs.send(new DescribeTasksCommand({ cluster: 'shop-dr', tasks: taskArns }));
    await world.runFor(120);
    const later = await ecs.send(new DescribeTasksCommand({ cluster: 'shop-dr', tasks: taskArns }));
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'shop-dr', services: ['shop-web'] }),
    );

    // Assess
    expect(early.tasks?.map((t) => t.lastStatus)).toEqual(['PROVISIONING', 'PROVISIONING']);
    expect(later.tasks?.map((t) => [t.lastStatus, t.healthStatus])).toEqual([
      ['RUNNING', 'HEALTHY'],
      ['RUNNING', 'HEALTHY'],
    ]);
    expect(services?.[0]).toMatchObject({ desiredCount: 2, runningCount: 2, pendingCount: 0 });
    expect(services?.[0]?.deployments?.[0]?.rolloutState).toBe('COMPLETED');
  });
});

describe('Route 53 traffic', () => {
  it('moves to the new target only when the change is in sync and the old TTL has run out', async () => {
    // Prepare: the simple strategy, where a change of the record's value moves the traffic.
    const simple = { ...plan, dns: { ...plan.dns, strategy: 'simple' as const } };
    world = await startWorld({ plan: simple, scale: 300, schedule: false, alarmTrigger: false });
    const record = { Name: plan.dns.record, Type: 'CNAME' as const, TTL: plan.dns.ttl };

    // Act
    await client(Route53Client, 'us-east-1').send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: plan.dns.hostedZoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'DELETE',
              ResourceRecordSet: { ...record, ResourceRecords: [{ Value: plan.application.primary.target }] },
            },
            {
              Action: 'CREATE',
              ResourceRecordSet: { ...record, ResourceRecords: [{ Value: plan.application.dr.target }] },
            },
          ],
        },
      }),
    );
    const right = world.snapshot().dns.resolvesTo;
    await world.until((events) => events.some((e) => e.type === 'traffic.served' && e.detail.role === 'dr'), {
      timeoutSeconds: 600,
    });

    // Assess
    const insync = world.events.list({ type: 'route53.change-insync' })[0];
    const moved = world.events.list({ type: 'traffic.served' }).find((e) => e.detail.role === 'dr');
    expect(right).toBe(plan.application.primary.target);
    expect(insync).toBeDefined();
    expect(((moved?.at ?? 0) - (insync?.at ?? 0)) / 1000).toBeGreaterThanOrEqual(plan.dns.ttl);
    expect(((moved?.at ?? 0) - (insync?.at ?? 0)) / 1000).toBeLessThan(plan.dns.ttl + 3);
  });
});
