import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { type Fuzz, fuzz, fuzzBounds, prototypePolluted } from './fuzz-support.ts';
import type { RawRequest } from './raw-request.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
const service = plan.services[0] as (typeof plan.services)[number];
let world: World;

interface Target {
  prefix: string;
  version: '1.0' | '1.1';
  signing: string;
  /** Real operations and members close to a real call. */
  operations: Record<string, (f: Fuzz) => Record<string, unknown>>;
}

const stateMachineArn = () =>
  `arn:aws:states:${plan.regions.dr}:111111111111:stateMachine:${plan.name}-failover`;

const TARGETS: Target[] = [
  {
    prefix: 'AWSStepFunctions',
    version: '1.0',
    signing: 'states',
    operations: {
      // Real starts are rare (most inputs are broken), so the fuzzing does not run drills.
      StartExecution: (f) => ({
        stateMachineArn: f.pick([stateMachineArn(), f.string()]),
        name: f.string(),
        input: f.pick([f.string(), JSON.stringify(f.json()), '{"mode":"nonsense"}']),
      }),
      DescribeExecution: (f) => ({
        executionArn: f.pick([`${stateMachineArn().replace('stateMachine', 'execution')}:x`, f.string()]),
      }),
      ListExecutions: (f) => ({
        stateMachineArn: f.pick([stateMachineArn(), f.string()]),
        maxResults: f.number(),
        statusFilter: f.pick(['RUNNING', f.string()]),
        nextToken: f.string(),
      }),
      GetExecutionHistory: (f) => ({
        executionArn: f.string(),
        reverseOrder: f.json(),
        maxResults: f.number(),
      }),
      ListStateMachines: (f) => ({ maxResults: f.json(), nextToken: f.string() }),
      StopExecution: (f) => ({ executionArn: f.string(), error: f.string(), cause: f.string() }),
      DescribeStateMachine: (f) => ({ stateMachineArn: f.pick([stateMachineArn(), f.string()]) }),
    },
  },
  {
    prefix: 'AmazonEC2ContainerServiceV20141113',
    version: '1.1',
    signing: 'ecs',
    operations: {
      UpdateService: (f) => ({
        cluster: f.pick([service.cluster, f.string()]),
        service: f.pick([service.service, f.string()]),
        desiredCount: f.pick([f.number(), 'lots', f.int(4), null]),
      }),
      DescribeServices: (f) => ({
        cluster: service.cluster,
        services: f.pick([[service.service], f.json(), Array(11).fill('x')]),
      }),
      ListTasks: (f) => ({
        cluster: f.pick([service.cluster, f.string()]),
        desiredStatus: f.string(),
        maxResults: f.number(),
      }),
      DescribeTasks: (f) => ({ cluster: service.cluster, tasks: f.pick([f.json(), Array(101).fill('t')]) }),
      DescribeClusters: (f) => ({ clusters: f.json() }),
      ListClusters: (f) => ({ maxResults: f.json(), nextToken: f.string() }),
      ListServices: (f) => ({
        cluster: f.pick([service.cluster, f.string()]),
        maxResults: f.number(),
        nextToken: f.string(),
      }),
    },
  },
  {
    prefix: 'GraniteServiceVersion20100801',
    version: '1.0',
    signing: 'monitoring',
    operations: {
      PutMetricData: (f) => ({
        Namespace: f.pick(['drctl/fuzz', 'AWS/EC2', f.string()]),
        MetricData: f.pick([[{ MetricName: f.string(), Value: f.json(), Timestamp: f.json() }], f.json()]),
      }),
      GetMetricData: (f) => ({
        StartTime: f.json(),
        EndTime: f.json(),
        MetricDataQueries: [
          { Id: f.string(), MetricStat: { Metric: f.json(), Period: f.number(), Stat: f.string() } },
        ],
      }),
      DescribeAlarms: (f) => ({ AlarmNames: f.json(), MaxRecords: f.json(), NextToken: f.string() }),
      PutMetricAlarm: (f) => ({
        AlarmName: f.string(),
        Statistic: f.string(),
        Period: f.number(),
        EvaluationPeriods: f.json(),
      }),
    },
  },
];

function body(f: Fuzz, input: Record<string, unknown>): Buffer {
  switch (f.int(10)) {
    case 0:
      return Buffer.from(f.pick(['null', '[]', '42', '"text"', 'true', '', '{', '{"a":}']));
    case 1:
      return Buffer.from(f.deep());
    case 2:
      return f.mutate(Buffer.from(JSON.stringify(input)));
    case 3:
      return Buffer.from(JSON.stringify(f.json()));
    default:
      return Buffer.from(JSON.stringify(input));
  }
}

function generate(f: Fuzz): RawRequest {
  const target = f.pick(TARGETS);
  const names = Object.keys(target.operations);
  const operation = f.chance(0.85)
    ? f.pick(names)
    : f.pick(['constructor', '__proto__', 'toString', 'hasOwnProperty', '', f.word()]);
  const template = Object.hasOwn(target.operations, operation) ? target.operations[operation] : undefined;
  const input = template?.(f) ?? (f.json() as Record<string, unknown>);
  const header = f.chance(0.95)
    ? `${target.prefix}.${operation}`
    : f.pick([target.prefix, `${f.word()}.${operation}`, `${target.prefix}.${operation}.extra`]);
  return {
    headers: { 'x-amz-target': header, 'content-type': `application/x-amz-json-${target.version}` },
    body: body(f, input),
    ...(f.chance(0.9)
      ? { scope: { region: f.pick([plan.regions.dr, 'eu-west-1']), service: target.signing } }
      : {}),
  };
}

beforeAll(async () => {
  world = await startWorld({ plan, scale: 1000, schedule: false, alarmTrigger: false });
});
afterAll(async () => {
  await world?.close();
});

describe('awsJson 1.0 and 1.1 (Step Functions, ECS, CloudWatch) under random and mutated requests', () => {
  it('answers every request with a valid answer or an AWS-shaped 4xx, and still answers normal calls after', {
    timeout: fuzzBounds(0).budgetMs + 30_000,
  }, async () => {
    // Act
    const report = await fuzz(world.endpoint, { ...fuzzBounds(7_331), generate });
    const machines = await worldClient(world, SFNClient, plan.regions.dr).send(
      new ListStateMachinesCommand({}),
    );
    const clusters = await worldClient(world, ECSClient, plan.regions.dr).send(new ListClustersCommand({}));

    // Assess
    expect(report.problems).toEqual([]);
    expect(report.requests).toBeGreaterThan(50);
    expect(report.answered.ok ?? 0).toBeGreaterThan(10);
    expect(prototypePolluted()).toBe(false);
    // The failover machine and its two child machines (promote a database, scale a service).
    expect(machines.stateMachines?.map((machine) => machine.name)).toContain(`${plan.name}-failover`);
    expect(machines.stateMachines).toHaveLength(3);
    expect(clusters.clusterArns).toHaveLength(1);
  });
});
