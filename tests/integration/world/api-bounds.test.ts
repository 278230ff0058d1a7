import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  ListHostedZonesCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { awsCli, hasAwsCli } from './aws-cli.ts';
import { errorCode, rawRequest } from './raw-request.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
let world: World;
let topicArn: string;

async function failure(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const change = (overrides: { Comment?: string; type?: string; value?: string }) =>
  new ChangeResourceRecordSetsCommand({
    HostedZoneId: plan.dns.hostedZoneId,
    ChangeBatch: {
      Comment: overrides.Comment,
      Changes: [
        {
          Action: 'UPSERT',
          ResourceRecordSet: {
            Name: `probe.${plan.dns.zoneName}`,
            Type: (overrides.type ?? 'A') as 'A',
            TTL: 60,
            ResourceRecords: [{ Value: overrides.value ?? '192.0.2.10' }],
          },
        },
      ],
    },
  });

beforeAll(async () => {
  world = await startWorld({ plan, scale: 1000, schedule: false, alarmTrigger: false });
  topicArn = `arn:aws:sns:${plan.regions.dr}:111111111111:${plan.notifications.topicName}`;
});
afterAll(async () => {
  await world?.close();
});

describe('Route 53 bounds and listings', () => {
  it('lists the hosted zones, as `route53 list-hosted-zones` pages them', async () => {
    // Act
    const zones = await worldClient(world, Route53Client, 'us-east-1').send(
      new ListHostedZonesCommand({ MaxItems: 1 }),
    );

    // Assess
    expect(zones.HostedZones?.map((zone) => zone.Id)).toEqual([`/hostedzone/${plan.dns.hostedZoneId}`]);
    expect(zones.IsTruncated).toBe(false);
  });

  it('refuses a Comment over 256 characters and an A record that is not an IPv4 address, and changes nothing', async () => {
    // Prepare
    const route53 = worldClient(world, Route53Client, 'us-east-1');
    const records = world.models.route53.zone(plan.dns.hostedZoneId).records.length;

    // Act
    const comment = await failure(route53.send(change({ Comment: 'c'.repeat(257) })));
    const notAnIp = await failure(route53.send(change({ value: 'not-an-ip' })));
    const accepted = await route53.send(change({ Comment: 'c'.repeat(256) }));

    // Assess
    expect(comment.name).toBe('InvalidInput');
    expect(comment.message).toContain('256');
    expect(notAnIp.name).toBe('InvalidChangeBatch');
    expect(notAnIp.message).toContain('ARRDATAIllegalIPv4Address');
    expect(accepted.ChangeInfo?.Comment).toHaveLength(256);
    expect(world.models.route53.zone(plan.dns.hostedZoneId).records).toHaveLength(records + 1);
  });

  it('answers a bad percent-escape in a zone id with 400 InvalidInput, not a 500 the SDKs retry', async () => {
    // Act
    const response = await rawRequest(world.endpoint, {
      method: 'GET',
      path: '/2013-04-01/hostedzone/%E0%A4%A/rrset',
      scope: { region: 'us-east-1', service: 'route53' },
    });

    // Assess
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('InvalidInput');
  });
});

describe('CloudWatch periods', () => {
  it('start GetMetricData periods at the StartTime rounded down to the minute, as CloudWatch does', async () => {
    // Prepare
    const cloudWatch = worldClient(world, CloudWatchClient, plan.regions.dr);
    const now = world.clock.now();
    const minute = Math.floor(now / 60_000) * 60_000;
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: 'drctl/test',
        MetricData: [5, 4, 3, 2, 1].map((minutesAgo) => ({
          MetricName: 'Aligned',
          Value: minutesAgo,
          Timestamp: new Date(minute - minutesAgo * 60_000 + 30_000),
        })),
      }),
    );
    const query = (Period: number) =>
      new GetMetricDataCommand({
        StartTime: new Date(minute - 5 * 60_000 + 34_000),
        EndTime: new Date(now),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          {
            Id: 'm',
            MetricStat: { Metric: { Namespace: 'drctl/test', MetricName: 'Aligned' }, Period, Stat: 'Sum' },
          },
        ],
      });

    // Act
    const perMinute = await cloudWatch.send(query(60));
    const perTenSeconds = await cloudWatch.send(query(10));

    // Assess
    const stamps = (result: typeof perMinute) =>
      result.MetricDataResults?.[0]?.Timestamps?.map((t) => t.getTime()) ?? [];
    expect(stamps(perMinute).every((t) => t % 60_000 === 0)).toBe(true);
    expect(perMinute.MetricDataResults?.[0]?.Values).toEqual([5, 4, 3, 2, 1]);
    expect(stamps(perTenSeconds).every((t) => t % 10_000 === 0)).toBe(true);
  });
});

describe('RDS and SNS bounds', () => {
  it('refuses MaxRecords outside 20-100 with InvalidParameterValue', async () => {
    // Act
    const refused = await failure(
      worldClient(world, RDSClient, plan.regions.dr).send(new DescribeDBInstancesCommand({ MaxRecords: 5 })),
    );

    // Assess
    expect(refused.name).toBe('InvalidParameterValue');
    expect(refused.message).toContain('between 20 and 100');
  });

  it.each([
    ['not json', 'JSON message body failed to parse'],
    ['{"email": "no default"}', 'No default entry in JSON message body'],
  ])('refuses MessageStructure=json with the message %s', async (Message, problem) => {
    // Prepare
    const delivered = world.messages().length;

    // Act
    const refused = await failure(
      worldClient(world, SNSClient, plan.regions.dr).send(
        new PublishCommand({ TopicArn: topicArn, Message, MessageStructure: 'json' }),
      ),
    );

    // Assess
    expect(refused.name).toBe('InvalidParameterException');
    expect(refused.message).toContain(problem);
    expect(world.messages()).toHaveLength(delivered);
  });
});

describe('every protocol', () => {
  const big = 'x'.repeat(1_048_577);
  it.each([
    [
      'awsQuery (RDS)',
      { scope: { region: plan.regions.dr, service: 'rds' }, body: `Action=DescribeDBInstances&Pad=${big}` },
    ],
    [
      'awsJson (ECS)',
      {
        scope: { region: plan.regions.dr, service: 'ecs' },
        headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' },
        body: `{"pad":"${big}"}`,
      },
    ],
    [
      'restXml (Route 53)',
      {
        scope: { region: 'us-east-1', service: 'route53' },
        path: `/2013-04-01/hostedzone/${plan.dns.hostedZoneId}/rrset`,
        body: big,
      },
    ],
  ])('answers a body over 1 MiB with 413 RequestEntityTooLarge (%s)', async (_protocol, request) => {
    // Act
    const response = await rawRequest(world.endpoint, request);

    // Assess
    expect(response.status).toBe(413);
    expect(errorCode(response)).toBe('RequestEntityTooLarge');
  });

  it.each(['constructor', '__proto__', 'hasOwnProperty'])(
    'answers Action=%s as an invalid action (400)',
    async (action) => {
      // Act
      const response = await rawRequest(world.endpoint, {
        scope: { region: plan.regions.dr, service: 'rds' },
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `Action=${action}&Version=2014-10-31`,
      });

      // Assess
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('InvalidAction');
    },
  );

  it('answers bytes that are not CBOR with a 400 SerializationException', async () => {
    // Act
    const response = await rawRequest(world.endpoint, {
      path: '/service/GraniteServiceVersion20100801/operation/ListMetrics',
      headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' },
      body: Buffer.from([0xff, 0x1f, 0x9f, 0x00, 0xbb]),
      scope: { region: plan.regions.dr, service: 'monitoring' },
    });

    // Assess
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('SerializationException');
  });
});

describe.skipIf(!hasAwsCli)('the same bounds through the AWS CLI', () => {
  it('lists the hosted zones and refuses MaxRecords 5', async () => {
    // Act
    const zones = await awsCli(world, ['route53', 'list-hosted-zones', '--region', 'us-east-1']);
    const records = await awsCli(world, [
      'rds',
      'describe-db-instances',
      '--max-records',
      '5',
      '--region',
      plan.regions.dr,
    ]);

    // Assess
    expect(zones.code, zones.stderr).toBe(0);
    expect(JSON.parse(zones.stdout).HostedZones).toHaveLength(1);
    expect(records.code).not.toBe(0);
    expect(records.stderr).toContain('InvalidParameterValue');
  });
});
