import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  GetHealthCheckStatusCommand,
  GetHostedZoneCommand,
  ListHealthChecksCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { DescribeStateMachineCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
let world: World;

const client = <T>(Client: new (config: object) => T, region: string): T =>
  worldClient(world, Client, region);

beforeAll(async () => {
  world = await startWorld({ plan, scale: 100, schedule: false, alarmTrigger: false });
});
afterAll(async () => {
  await world?.close();
});

describe('operations for tooling (status, up, dashboards)', () => {
  it('SNS: creates topics idempotently and lists them per region', async () => {
    // Prepare
    const sns = client(SNSClient, plan.regions.dr);

    // Act
    const first = await sns.send(new CreateTopicCommand({ Name: 'extra' }));
    const again = await sns.send(new CreateTopicCommand({ Name: 'extra' }));
    const { Topics } = await sns.send(new ListTopicsCommand({}));
    const primary = await client(SNSClient, plan.regions.primary).send(new ListTopicsCommand({}));

    // Assess
    expect(again.TopicArn).toBe(first.TopicArn);
    expect(Topics?.map((t) => t.TopicArn).sort()).toEqual([
      `arn:aws:sns:${plan.regions.dr}:111111111111:extra`,
      `arn:aws:sns:${plan.regions.dr}:111111111111:${plan.notifications.topicName}`,
    ]);
    expect(primary.Topics).toEqual([]);
  });

  it('CloudWatch: alarms can be created, evaluated, listed and deleted; GetMetricData answers MetricStat queries', async () => {
    // Prepare
    const cloudWatch = client(CloudWatchClient, plan.regions.dr);
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: 'Drctl/Tooling',
        MetricData: [{ MetricName: 'Errors', Value: 5 }],
      }),
    );
    await cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'errors',
        Namespace: 'Drctl/Tooling',
        MetricName: 'Errors',
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );

    // Act
    await world.runFor(130);
    const { MetricAlarms } = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['errors'] }));
    const states = world.events.list({ type: 'alarm.state' }).filter((e) => e.detail.alarm === 'errors');
    const { Metrics } = await cloudWatch.send(new ListMetricsCommand({ Namespace: 'Drctl/Tooling' }));
    const { MetricDataResults } = await cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(Date.now() - 600_000),
        EndTime: new Date(),
        MetricDataQueries: [
          {
            Id: 'e',
            MetricStat: {
              Metric: { Namespace: 'Drctl/Tooling', MetricName: 'Errors' },
              Period: 60,
              Stat: 'Sum',
            },
          },
        ],
      }),
    );
    await world.runFor(300);
    const statesLater = world.events.list({ type: 'alarm.state' }).filter((e) => e.detail.alarm === 'errors');
    await cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: ['errors'] }));
    const afterDelete = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['errors'] }));

    // Assess
    // ALARM from the minute with the datapoint; with missing data treated as missing, the alarm
    // keeps judging that datapoint while it is in the evaluation range.
    expect(states.map((e) => e.detail.state)).toEqual(['ALARM']);
    expect(MetricAlarms?.[0]).toMatchObject({ AlarmName: 'errors', StateValue: 'ALARM', Threshold: 1 });
    // Once the whole evaluation range is empty, there is not enough data.
    expect(statesLater.map((e) => e.detail.state)).toEqual(['ALARM', 'INSUFFICIENT_DATA']);
    expect(Metrics?.map((m) => m.MetricName)).toEqual(['Errors']);
    expect(MetricDataResults?.[0]).toMatchObject({ Id: 'e', Values: [5], StatusCode: 'Complete' });
    expect(afterDelete.MetricAlarms).toEqual([]);
  });

  it('ECS: describes clusters with their task counts', async () => {
    // Act
    const { clusters } = await client(ECSClient, plan.regions.primary).send(
      new DescribeClustersCommand({ clusters: ['shop'] }),
    );

    // Assess
    expect(clusters?.[0]).toMatchObject({ clusterName: 'shop', status: 'ACTIVE', runningTasksCount: 5 });
  });

  it('Route 53: the hosted zone, the health checks and their observations', async () => {
    // Prepare
    const route53 = client(Route53Client, 'us-east-1');

    // Act
    const zone = await route53.send(new GetHostedZoneCommand({ Id: plan.dns.hostedZoneId }));
    const { HealthChecks } = await route53.send(new ListHealthChecksCommand({}));
    const primary = HealthChecks?.find((c) => c.CallerReference === 'drctl-primary');
    const status = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: primary?.Id }));

    // Assess
    expect(zone.HostedZone).toMatchObject({
      Id: `/hostedzone/${plan.dns.hostedZoneId}`,
      Name: 'shop.example.com.',
    });
    // The two endpoint checks, the traffic gate's and the drill gate's CLOUDWATCH_METRIC checks.
    expect(HealthChecks).toHaveLength(4);
    expect(primary?.HealthCheckConfig).toMatchObject({
      RequestInterval: 10,
      FailureThreshold: 3,
      ResourcePath: '/health',
    });
    expect(status.HealthCheckObservations?.[0]?.StatusReport?.Status).toMatch(/^Success/);
  });

  it('Step Functions: lists and describes the failover state machine', async () => {
    // Prepare
    const sfn = client(SFNClient, plan.regions.dr);

    // Act
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    const described = await sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: world.stepFunctions.stateMachineArn }),
    );

    // Assess
    // The failover and its children (one execution per database's promotion, per service's scaling)
    expect(stateMachines?.map((m) => m.name)).toEqual([
      'shop-failover',
      'shop-failover-promote-database',
      'shop-failover-scale-service',
    ]);
    expect(JSON.parse(described.definition ?? '{}').StartAt).toBe('Preflight');
  });
});
