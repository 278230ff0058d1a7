import { CloudWatchClient, DescribeAlarmsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { detectionAlarmName } from '../../../plan/names.ts';
import { planInRegions, referencePlan, resolveThroughWorld, worldClient } from './support.ts';

const plan = referencePlan();
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Resolves with the call's outcome in the world's request log (the SDK sees a dropped connection). */
async function outcomeOf(call: Promise<unknown>): Promise<'answered' | 'failed'> {
  try {
    await call;
    return 'answered';
  } catch {
    return 'failed';
  }
}

describe('an outage of us-east-1 (the reference primary)', () => {
  it('refuses every Route 53 API call and us-east-1 CloudWatch, freezes its alarms, while health checks and DNS go on', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
    await world.runFor(65);
    const fastPath = () => world?.snapshot().alarms.find((a) => a.name === detectionAlarmName(plan));
    const before = fastPath()?.state;
    const primaryCheck = world.models.healthChecks.checks.find((c) => c.role === 'primary');

    // Act
    world.faults.regionOutage('us-east-1');
    const route53 = worldClient(world, Route53Client, 'us-east-1');
    const route53FromDr = worldClient(world, Route53Client, plan.regions.dr);
    const calls = await Promise.all([
      outcomeOf(route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId }))),
      outcomeOf(route53.send(new GetHostedZoneCommand({ Id: plan.dns.hostedZoneId }))),
      outcomeOf(
        route53FromDr.send(new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId })),
      ),
      outcomeOf(worldClient(world, CloudWatchClient, 'us-east-1').send(new DescribeAlarmsCommand({}))),
    ]);
    const drCloudWatch = await outcomeOf(
      worldClient(world, CloudWatchClient, plan.regions.dr).send(new DescribeAlarmsCommand({})),
    );
    const checkedBefore = primaryCheck?.lastCheckedAt ?? 0;
    await world.runFor(300);
    const answer = await resolveThroughWorld(world, plan.dns.record);

    // Assess
    expect(calls).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(drCloudWatch).toBe('answered');
    const refused = world.apiCalls().filter((c) => c.outcome === 'refused');
    expect(refused.map((c) => `${c.service} ${c.operation}`).sort()).toEqual([
      'cloudwatch DescribeAlarms',
      'route53 GetHostedZone',
      'route53 ListResourceRecordSets',
      'route53 ListResourceRecordSets',
    ]);
    expect(world.faults.route53ControlPlaneUp).toBe(false);
    expect(world.events.list({ type: 'route53.control-plane-outage' })).toHaveLength(1);
    // The checkers still probe and find the primary unhealthy; us-east-1 CloudWatch sees none of it.
    expect(primaryCheck?.lastCheckedAt ?? 0).toBeGreaterThan(checkedBefore + 250_000);
    expect(primaryCheck?.healthy).toBe(false);
    expect(fastPath()?.state).toBe(before);
    expect(before).toBe('OK');
    const status = world.models.cloudWatch.find('us-east-1', 'AWS/Route53', 'HealthCheckStatus', [
      { Name: 'HealthCheckId', Value: primaryCheck?.id ?? '' },
    ]);
    const outageAt = world.events.list({ type: 'region.outage' })[0]?.at ?? 0;
    expect(status?.datapoints.filter((d) => d.at > outageAt)).toEqual([]);
    // Route 53's data plane answers.
    expect(answer).toEqual([plan.application.primary.target]);
  });

  it('brings the Route 53 API back with the region', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
    world.faults.regionOutage('us-east-1', { durationSeconds: 120 });

    // Act
    await world.runFor(130);
    const { ResourceRecordSets } = await worldClient(world, Route53Client, 'us-east-1').send(
      new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId }),
    );

    // Assess
    expect(ResourceRecordSets?.length).toBeGreaterThan(0);
    expect(world.events.list({ type: 'route53.control-plane-recovered' })).toHaveLength(1);
  });
});

describe('an outage of the Route 53 control plane alone', () => {
  it('refuses the Route 53 API only; DNS answers, us-east-1 CloudWatch answers, and it recovers after its duration', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
    const route53 = worldClient(world, Route53Client, 'us-east-1');

    // Act
    world.faults.route53ControlPlaneOutage({ durationSeconds: 600 });
    const during = await outcomeOf(
      route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId })),
    );
    const cloudWatch = await outcomeOf(
      worldClient(world, CloudWatchClient, 'us-east-1').send(
        new PutMetricDataCommand({ Namespace: 'test', MetricData: [{ MetricName: 'm', Value: 1 }] }),
      ),
    );
    const answer = await resolveThroughWorld(world, plan.dns.record);
    await world.runFor(601);
    const after = await outcomeOf(
      route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId })),
    );

    // Assess
    expect(during).toBe('failed');
    expect(cloudWatch).toBe('answered');
    expect(answer).toEqual([plan.application.primary.target]);
    expect(after).toBe('answered');
    expect(world.events.list({ type: 'route53.control-plane-outage' })[0]?.detail.cause).toBe(
      'control-plane fault',
    );
    expect(world.events.list({ type: 'route53.control-plane-recovered' })).toHaveLength(1);
  });
});

describe('an outage of a primary region other than us-east-1', () => {
  it('leaves the Route 53 API and us-east-1 CloudWatch answering', async () => {
    // Prepare
    const elsewhere = planInRegions(plan, 'eu-west-1', plan.regions.dr);
    world = await startWorld({ plan: elsewhere, scale: 400, schedule: false, alarmTrigger: false });

    // Act
    world.faults.regionOutage();
    const listed = await outcomeOf(
      worldClient(world, Route53Client, 'us-east-1').send(
        new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId }),
      ),
    );
    const alarms = await outcomeOf(
      worldClient(world, CloudWatchClient, 'us-east-1').send(new DescribeAlarmsCommand({})),
    );
    const primaryApi = await outcomeOf(
      worldClient(world, CloudWatchClient, 'eu-west-1').send(new DescribeAlarmsCommand({})),
    );

    // Assess
    expect(listed).toBe('answered');
    expect(alarms).toBe('answered');
    expect(primaryApi).toBe('failed');
    expect(world.faults.route53ControlPlaneUp).toBe(true);
  });
});
