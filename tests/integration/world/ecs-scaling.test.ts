import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { awsCli, hasAwsCli } from './aws-cli.ts';
import { errorCode, rawRequest } from './raw-request.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
const service = plan.services[0] as (typeof plan.services)[number];
let world: World;
let ecs: ECSClient;

async function failure(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const steady = (name: string, since: number) => (events: ReturnType<World['events']['list']>) =>
  events.some((e) => e.type === 'ecs.service-steady' && e.at >= since && e.detail.service === name);

beforeAll(async () => {
  world = await startWorld({ plan, scale: 1000, schedule: false, alarmTrigger: false });
  ecs = worldClient(world, ECSClient, plan.regions.dr);
});
afterAll(async () => {
  await world?.close();
});

describe('ECS services as the ECS scheduler runs them', () => {
  it('scales down by draining: DEACTIVATING for the deregistration delay, then STOPPING, DEPROVISIONING, STOPPED', async () => {
    // Prepare
    const update = (desiredCount: number) =>
      ecs.send(
        new UpdateServiceCommand({ cluster: service.cluster, service: service.service, desiredCount }),
      );
    const up = world.clock.now();
    await update(2);
    await world.until(steady(service.service, up));
    const before = (
      await ecs.send(new DescribeServicesCommand({ cluster: service.cluster, services: [service.service] }))
    ).services?.[0];
    const { taskArns = [] } = await ecs.send(
      new ListTasksCommand({ cluster: service.cluster, serviceName: service.service }),
    );
    const statusAt = async (seconds: number) => {
      await world.runFor(seconds);
      const { tasks = [] } = await ecs.send(
        new DescribeTasksCommand({ cluster: service.cluster, tasks: taskArns }),
      );
      return tasks.map((task) => task.lastStatus);
    };

    // Act
    const down = world.clock.now();
    await update(0);
    const draining = await statusAt(20);
    const stopping = await statusAt(25);
    const deprovisioning = await statusAt(20);
    const stopped = await statusAt(10);
    await world.until(steady(service.service, down));
    const after = (
      await ecs.send(new DescribeServicesCommand({ cluster: service.cluster, services: [service.service] }))
    ).services?.[0];

    // Assess: deregistration delay 30 s, stop timeout 30 s, ENI detachment 10 s (at +20, +45, +65, +75 s).
    expect(taskArns).toHaveLength(2);
    expect(draining).toEqual(['DEACTIVATING', 'DEACTIVATING']);
    expect(stopping).toEqual(['STOPPING', 'STOPPING']);
    expect(deprovisioning).toEqual(['DEPROVISIONING', 'DEPROVISIONING']);
    expect(stopped).toEqual(['STOPPED', 'STOPPED']);
    expect(after?.runningCount).toBe(0);
    expect(after?.events?.[0]?.message).toContain('has reached a steady state');
    // A desired count alone starts no deployment: the same one, COMPLETED throughout.
    expect(after?.deployments?.map((d) => [d.id, d.rolloutState])).toEqual([
      [before?.deployments?.[0]?.id, 'COMPLETED'],
    ]);
  });

  it('refuses a desired count above the 5,000 tasks-per-service quota and starts nothing', async () => {
    // Prepare
    const tasksBefore = world.models.ecs.tasks.length;
    const heapBefore = process.memoryUsage().heapUsed;

    // Act
    const refused = await failure(
      ecs.send(
        new UpdateServiceCommand({
          cluster: service.cluster,
          service: service.service,
          desiredCount: 1_000_000_000,
        }),
      ),
    );

    // Assess
    expect(refused.name).toBe('InvalidParameterException');
    expect(refused.message).toContain('5000');
    expect(world.models.ecs.tasks).toHaveLength(tasksBefore);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024);
  });

  it('answers a desired count that is not a number with SerializationException, as AWS JSON services do', async () => {
    // Act
    const response = await rawRequest(world.endpoint, {
      headers: {
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.UpdateService',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: JSON.stringify({ cluster: service.cluster, service: service.service, desiredCount: 'lots' }),
      scope: { region: plan.regions.dr, service: 'ecs' },
    });

    // Assess
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('SerializationException');
  });

  it('lists the clusters and services of the request region, a page at a time', async () => {
    // Act
    const clusters = await ecs.send(new ListClustersCommand({}));
    const first = await ecs.send(new ListServicesCommand({ cluster: service.cluster, maxResults: 2 }));
    const second = await ecs.send(
      new ListServicesCommand({ cluster: service.cluster, maxResults: 2, nextToken: first.nextToken }),
    );
    const elsewhere = await worldClient(world, ECSClient, 'eu-west-1').send(new ListClustersCommand({}));

    // Assess
    expect(clusters.clusterArns).toEqual([
      `arn:aws:ecs:${plan.regions.dr}:111111111111:cluster/${service.cluster}`,
    ]);
    expect([...(first.serviceArns ?? []), ...(second.serviceArns ?? [])]).toHaveLength(plan.services.length);
    expect(second.nextToken).toBeUndefined();
    expect(elsewhere.clusterArns).toEqual([]);
  });
});

describe.skipIf(!hasAwsCli)('ECS through the AWS CLI', () => {
  it('answers list-clusters and list-services, the first commands people type', async () => {
    // Act
    const clusters = await awsCli(world, ['ecs', 'list-clusters', '--region', plan.regions.dr]);
    const services = await awsCli(world, [
      'ecs',
      'list-services',
      '--cluster',
      service.cluster,
      '--region',
      plan.regions.dr,
      '--page-size',
      '1',
    ]);

    // Assess
    expect(clusters.code, clusters.stderr).toBe(0);
    expect(JSON.parse(clusters.stdout).clusterArns).toHaveLength(1);
    expect(services.code, services.stderr).toBe(0);
    expect(JSON.parse(services.stdout).serviceArns).toHaveLength(plan.services.length);
  });
});
