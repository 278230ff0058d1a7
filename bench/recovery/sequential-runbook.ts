import { CloudWatchClient, DescribeAlarmsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import type { World } from '../../local/index.ts';
import { GATE_CLOSED, gateAlarmName, gateMetric } from '../../plan/names.ts';

/**
 * The baseline of figure 1: what a naive runbook does by hand in an outage of us-east-1, one step
 * after the other — promote every replica and wait until all are standalone, then scale every DR
 * service and wait until all serve, then close the traffic gate and wait until its alarm says so
 * — with the same AWS calls and the plan's own poll intervals, through the SDK against the
 * world's endpoint. The switch is the gate's PutMetricData 0 in the DR region: with Route 53's
 * control plane down with us-east-1, a ChangeResourceRecordSets (UPSERT of the record) fails,
 * so a person following the old DNS runbook would not move traffic at all.
 */
export async function runSequentialRunbook(world: World): Promise<void> {
  const { plan } = world;
  const client = {
    region: plan.regions.dr,
    endpoint: world.endpoint,
    credentials: {
      accessKeyId: world.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: world.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  };
  if (plan.dns.strategy !== 'gate')
    throw new Error(
      `the sequential runbook switches the traffic gate; the plan's dns.strategy is ${plan.dns.strategy}`,
    );
  const rds = new RDSClient(client);
  const ecs = new ECSClient(client);
  const cloudWatch = new CloudWatchClient(client);
  const poll = plan.failover.pollSeconds;
  try {
    for (const database of plan.databases) {
      await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: database.replica.identifier }));
    }
    await pollUntil(world, poll.promotion, async () => {
      for (const database of plan.databases) {
        const { DBInstances } = await rds.send(
          new DescribeDBInstancesCommand({ DBInstanceIdentifier: database.replica.identifier }),
        );
        const instance = DBInstances?.[0];
        if (instance?.DBInstanceStatus !== 'available' || instance.ReadReplicaSourceDBInstanceIdentifier)
          return false;
      }
      return true;
    });

    for (const service of plan.services) {
      await ecs.send(
        new UpdateServiceCommand({
          cluster: service.cluster,
          service: service.service,
          desiredCount: service.drDesiredCount,
        }),
      );
    }
    await pollUntil(world, poll.service, async () => {
      for (const service of plan.services) {
        if (!(await serviceServes(ecs, service.cluster, service.service, service.drDesiredCount)))
          return false;
      }
      return true;
    });

    const gate = gateMetric(plan);
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: gate.namespace,
        MetricData: [
          { MetricName: gate.metricName, Dimensions: gate.dimensions, Value: GATE_CLOSED, Unit: 'None' },
        ],
      }),
    );
    await pollUntil(world, poll.dns, async () => {
      const { MetricAlarms } = await cloudWatch.send(
        new DescribeAlarmsCommand({ AlarmNames: [gateAlarmName(plan)] }),
      );
      return MetricAlarms?.[0]?.StateValue === 'ALARM';
    });
  } finally {
    rds.destroy();
    ecs.destroy();
    cloudWatch.destroy();
  }
}

/** Every task running and healthy, none pending: the same bar the scale-service function sets. */
async function serviceServes(
  ecs: ECSClient,
  cluster: string,
  service: string,
  target: number,
): Promise<boolean> {
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const found = services?.[0];
  if ((found?.runningCount ?? 0) < target || (found?.pendingCount ?? 0) > 0) return false;
  const { taskArns } = await ecs.send(
    new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'RUNNING' }),
  );
  if (!taskArns || taskArns.length < target) return false;
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }));
  const running = (tasks ?? []).filter((task) => task.lastStatus === 'RUNNING');
  return running.length >= target && running.every((task) => task.healthStatus === 'HEALTHY');
}

async function pollUntil(world: World, intervalSeconds: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = world.clock.now() + 3_600_000;
  while (!(await done())) {
    if (world.clock.now() > deadline)
      throw new Error('sequential runbook: a step did not finish within an hour');
    await world.runFor(intervalSeconds);
  }
}
