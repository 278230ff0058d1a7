import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { cbor } from '@smithy/core/cbor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { type Fuzz, fuzz, fuzzBounds, prototypePolluted } from './fuzz-support.ts';
import type { RawRequest } from './raw-request.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
let world: World;

const epoch = (f: Fuzz) => f.pick([Date.now() / 1000, f.number(), { tag: 1, value: f.number() }, f.string()]);

const OPERATIONS: Record<string, (f: Fuzz) => unknown> = {
  PutMetricData: (f) => ({
    Namespace: f.pick(['drctl/fuzz', 'AWS/RDS', f.string()]),
    MetricData: f.pick([
      [
        {
          MetricName: f.pick(['Up', f.string()]),
          Value: f.json(),
          Timestamp: epoch(f),
          Dimensions: f.json(),
        },
      ],
      [{ MetricName: 'Many', Values: Array.from({ length: f.int(200) }, () => f.number()) }],
      f.json(),
    ]),
  }),
  GetMetricData: (f) => ({
    StartTime: epoch(f),
    EndTime: epoch(f),
    ScanBy: f.pick(['TimestampAscending', f.string()]),
    MetricDataQueries: f.pick([
      [
        {
          Id: f.pick(['m1', f.string()]),
          MetricStat: {
            Metric: { Namespace: 'AWS/RDS', MetricName: 'ReplicaLag' },
            Period: f.number(),
            Stat: f.pick(['Maximum', f.string()]),
          },
        },
      ],
      f.json(),
    ]),
  }),
  GetMetricStatistics: (f) => ({
    Namespace: 'AWS/RDS',
    MetricName: 'ReplicaLag',
    StartTime: epoch(f),
    EndTime: epoch(f),
    Period: f.number(),
    Statistics: f.pick([['Maximum'], f.json()]),
  }),
  DescribeAlarms: (f) => ({ AlarmNames: f.json(), MaxRecords: f.json(), StateValue: f.string() }),
  ListMetrics: (f) => ({ Namespace: f.string(), MetricName: f.json() }),
  PutMetricAlarm: (f) => ({
    AlarmName: f.string(),
    Statistic: f.string(),
    Period: f.json(),
    EvaluationPeriods: f.number(),
  }),
  DeleteAlarms: (f) => ({ AlarmNames: f.json() }),
};

/** CBOR a careless encoder writes: truncated, bit-flipped, lengths that promise gigabytes, deep nesting. */
function payload(f: Fuzz, input: unknown): Buffer {
  const valid = Buffer.from(cbor.serialize(input as never));
  switch (f.int(8)) {
    case 0:
      return f.mutate(valid);
    case 1:
      // A byte string, a text string, an array and a map that each claim 2^32 - 1 items.
      return Buffer.from(
        f.pick([
          [0x5a, 0xff, 0xff, 0xff, 0xff, 0x00],
          [0x7a, 0xff, 0xff, 0xff, 0xff],
          [0x9a, 0xff, 0xff, 0xff, 0xff],
          [0xba, 0xff, 0xff, 0xff, 0xff],
        ]),
      );
    case 2:
      return Buffer.alloc(f.pick([10_000, 100_000]), 0x81); // [[[[...]]]]
    case 3:
      return Buffer.from(Array.from({ length: 1 + f.int(64) }, () => f.int(256)));
    case 4:
      return Buffer.from(cbor.serialize(f.json() as never));
    default:
      return valid;
  }
}

function generate(f: Fuzz): RawRequest {
  const names = Object.keys(OPERATIONS);
  const operation = f.chance(0.85)
    ? f.pick(names)
    : f.pick(['constructor', '__proto__', 'toString', f.word()]);
  const template = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
  const prefix = f.chance(0.95)
    ? 'GraniteServiceVersion20100801'
    : f.pick(['AWSStepFunctions', f.word(), '%zz']);
  return {
    path: `/service/${prefix}/operation/${operation}`,
    headers: {
      'smithy-protocol': 'rpc-v2-cbor',
      'content-type': 'application/cbor',
      accept: 'application/cbor',
    },
    body: payload(f, template?.(f) ?? f.json()),
    ...(f.chance(0.9)
      ? { scope: { region: f.pick([plan.regions.dr, 'us-east-1']), service: 'monitoring' } }
      : {}),
  };
}

beforeAll(async () => {
  world = await startWorld({ plan, scale: 1000, schedule: false, alarmTrigger: false });
});
afterAll(async () => {
  await world?.close();
});

describe('rpc-v2-cbor (CloudWatch) under random and mutated requests', () => {
  it('answers every request with a valid answer or an AWS-shaped 4xx, and still answers normal calls after', {
    timeout: fuzzBounds(0).budgetMs + 30_000,
  }, async () => {
    // Act
    const report = await fuzz(world.endpoint, { ...fuzzBounds(9_000), generate });
    const alarms = await worldClient(world, CloudWatchClient, 'us-east-1').send(
      new DescribeAlarmsCommand({}),
    );

    // Assess
    expect(report.problems).toEqual([]);
    expect(report.requests).toBeGreaterThan(50);
    expect(report.answered.ok ?? 0).toBeGreaterThan(10);
    expect(prototypePolluted()).toBe(false);
    expect(alarms.MetricAlarms?.length).toBeGreaterThan(0);
  });
});
