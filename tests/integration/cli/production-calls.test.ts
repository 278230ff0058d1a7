import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ModifyDBParameterGroupCommand, RDSClient } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { productionCalls } from '../../../cli/drill/production-calls.ts';
import { startWorld, type World } from '../../../local/index.ts';
import { drillGateMetric, gateMetric } from '../../../plan/names.ts';
import { referencePlan, worldClient } from '../world/support.ts';

const plan = referencePlan();
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("a drill report's production calls (the world's mutation ledger)", () => {
  it("counts a change of the public gate and of a primary's parameter group, not the drill gate's", async () => {
    // Prepare
    world = await startWorld({ plan, scale: 1_000 });
    const from = new Date(world.clock.now());
    const cloudWatch = worldClient(world, CloudWatchClient, plan.regions.dr);
    const rds = worldClient(world, RDSClient, plan.regions.primary);
    const put = (metric: ReturnType<typeof gateMetric>) =>
      cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: metric.namespace,
          MetricData: [{ MetricName: metric.metricName, Dimensions: metric.dimensions, Value: 1 }],
        }),
      );
    await put(drillGateMetric(plan));
    await put(gateMetric(plan));
    await rds.send(
      new ModifyDBParameterGroupCommand({
        DBParameterGroupName: `${plan.databases[0]?.primary.identifier}-params`,
        Parameters: [{ ParameterName: 'read_only', ParameterValue: '1', ApplyMethod: 'immediate' }],
      }),
    );
    cloudWatch.destroy();
    rds.destroy();

    // Act
    const production = productionCalls(world, { from, to: new Date(world.clock.now()) });

    // Assess
    expect(production?.mutatingCalls).toBe(2);
    expect(production?.calls.map((call) => `${call.service}:${call.operation}`)).toEqual([
      'cloudwatch:PutMetricData',
      'rds:ModifyDBParameterGroup',
    ]);
  });
});
