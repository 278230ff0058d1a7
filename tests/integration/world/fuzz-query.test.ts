import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { type Fuzz, fuzz, fuzzBounds, prototypePolluted } from './fuzz-support.ts';
import type { RawRequest } from './raw-request.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
let world: World;

const OPERATIONS: Record<string, string[]> = {
  rds: [
    'DescribeDBInstances',
    'PromoteReadReplica',
    'DescribeDBClusters',
    'constructor',
    '__proto__',
    'toString',
  ],
  sns: ['Publish', 'CreateTopic', 'ListTopics', 'Subscribe', 'constructor', 'hasOwnProperty'],
  monitoring: ['PutMetricData', 'GetMetricStatistics', 'DescribeAlarms', 'ListMetrics', 'valueOf'],
};

/** A parameter set close to a real call, then bent: tricky names, wrong values, huge lists. */
function parameters(f: Fuzz, action: string): [string, string][] {
  const pairs: [string, string][] = [
    ['Action', action],
    ['Version', f.pick(['2014-10-31', '2010-03-31', '2010-08-01', ''])],
  ];
  const sensible: [string, string][] = f.pick<[string, string][]>([
    [['DBInstanceIdentifier', f.pick(['shop-orders-replica', f.string()])]],
    [['MaxRecords', String(f.number())]],
    [['Marker', f.string()]],
    [
      ['Filters.Filter.1.Name', f.pick(['engine', 'db-instance-id', f.string()])],
      ['Filters.Filter.1.Values.Value.1', f.string()],
    ],
    [
      [
        'TopicArn',
        f.pick([`arn:aws:sns:${plan.regions.dr}:111111111111:${plan.notifications.topicName}`, f.string()]),
      ],
      ['Message', f.string()],
      ['MessageStructure', f.pick(['json', 'raw', f.string()])],
      ['MessageAttributes.entry.1.Name', f.string()],
      ['MessageAttributes.entry.1.Value.DataType', f.pick(['String', 'Number', f.string()])],
      ['MessageAttributes.entry.1.Value.StringValue', f.string()],
    ],
    [['Name', f.string()]],
    [
      ['Namespace', f.pick(['drctl/fuzz', 'AWS/RDS', f.string()])],
      ['MetricData.member.1.MetricName', f.string()],
      ['MetricData.member.1.Value', f.pick(['1', 'NaN', 'Infinity', f.string()])],
      ['MetricData.member.1.Timestamp', f.pick(['2026-01-01T00:00:00Z', f.string()])],
    ],
    [
      ['AlarmNames.member.1', f.string()],
      ['MaxRecords', String(f.number())],
    ],
  ]);
  pairs.push(...sensible);
  for (let i = f.int(4); i > 0; i--) pairs.push([f.key(), f.string()]);
  if (f.chance(0.1)) {
    for (let i = 1; i <= 10_000; i++) pairs.push([`Filters.Filter.${i}.Name`, 'engine']);
  }
  return pairs;
}

function generate(f: Fuzz): RawRequest {
  const service = f.pick(Object.keys(OPERATIONS));
  const operations = OPERATIONS[service] as string[];
  // Mostly real operations (the first three), sometimes names that are no operation.
  const action = f.chance(0.8) ? (operations[f.int(3)] as string) : f.pick(operations);
  const form = new URLSearchParams(parameters(f, action)).toString();
  const raw = f.chance(0.1) ? `${form}&%zz=%&&==&a=%E0%A4%A` : form;
  const body = f.chance(0.15) ? f.mutate(Buffer.from(raw)) : Buffer.from(raw);
  // A GET carries its parameters in the URL: Node's HTTP server refuses request heads over 16 KB
  // before the world sees them (431), so GETs stay short.
  const get = f.chance(0.1) && raw.length < 8_000;
  return {
    method: get ? 'GET' : f.chance(0.9) ? 'POST' : f.pick(['PUT', 'DELETE', 'PATCH']),
    path: get ? `/?${raw}` : f.pick(['/', '/', `/${f.word()}`, '/%zz']),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    ...(get ? {} : { body }),
    ...(f.chance(0.9)
      ? { scope: { region: f.pick([plan.regions.dr, plan.regions.primary, 'eu-west-1']), service } }
      : {}),
  };
}

beforeAll(async () => {
  world = await startWorld({ plan, scale: 1000, schedule: false, alarmTrigger: false });
});
afterAll(async () => {
  await world?.close();
});

describe('awsQuery (RDS, SNS, CloudWatch) under random and mutated requests', () => {
  it('answers every request with a valid answer or an AWS-shaped 4xx, and still answers normal calls after', {
    timeout: fuzzBounds(0).budgetMs + 30_000,
  }, async () => {
    // Act
    const report = await fuzz(world.endpoint, { ...fuzzBounds(20_261), generate });
    const rds = await worldClient(world, RDSClient, plan.regions.dr).send(new DescribeDBInstancesCommand({}));
    const sns = await worldClient(world, SNSClient, plan.regions.dr).send(new ListTopicsCommand({}));

    // Assess
    expect(report.problems).toEqual([]);
    expect(report.requests).toBeGreaterThan(50);
    expect(Object.keys(report.answered).length).toBeGreaterThan(2);
    expect(prototypePolluted()).toBe(false);
    expect(rds.DBInstances?.length).toBe(plan.databases.length);
    expect(sns.Topics?.length).toBeGreaterThan(0);
  });
});
