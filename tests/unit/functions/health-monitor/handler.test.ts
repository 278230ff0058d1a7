import {
  CloudWatchClient,
  GetMetricStatisticsCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeLambdaContext } from '../lambda-context.ts';
import { referencePlanPath, validRequest } from './world.ts';

const rdsMock = mockClient(RDSClient);
const cloudWatchMock = mockClient(CloudWatchClient);
const ecsMock = mockClient(ECSClient);
const route53Mock = mockClient(Route53Client);
const fetchMock = vi.fn<typeof fetch>();
let handler: (event: unknown, context: typeof fakeLambdaContext) => Promise<unknown>;

const envelope = { correlationId: 'exec-1', executionStartTime: new Date(Date.now() - 60_000).toISOString() };

beforeAll(async () => {
  process.env.DRCTL_PLAN_FILE = referencePlanPath;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  vi.stubGlobal('fetch', fetchMock);
  ({ handler } = await import('../../../../functions/health-monitor/handler.ts'));
});

beforeEach(() => {
  for (const mock of [rdsMock, cloudWatchMock, ecsMock, route53Mock]) mock.reset();
  fetchMock.mockReset();
  fetchMock.mockResolvedValue(new Response('ok', { status: 200 }));
  rdsMock.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier: string }) => {
    const replica = input.DBInstanceIdentifier.endsWith('-replica');
    const source = input.DBInstanceIdentifier.replace(/-replica$/, '');
    return {
      DBInstances: [
        {
          DBInstanceIdentifier: input.DBInstanceIdentifier,
          DBInstanceStatus: 'available',
          ...(replica
            ? { ReadReplicaSourceDBInstanceIdentifier: `arn:aws:rds:us-east-1:111111111111:db:${source}` }
            : {}),
        },
      ],
    };
  });
  ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
    services: input.services.map((name) => ({
      serviceName: name,
      status: 'ACTIVE',
      desiredCount: 0,
      runningCount: 0,
    })),
    failures: [],
  }));
  route53Mock.on(ListResourceRecordSetsCommand).resolves({
    ResourceRecordSets: [
      {
        Name: 'www.shop.example.com.',
        Type: 'CNAME',
        TTL: 60,
        ResourceRecords: [{ Value: 'primary.shop.example.com' }],
      },
    ],
  });
  cloudWatchMock
    .on(GetMetricStatisticsCommand)
    .resolves({ Datapoints: [{ Timestamp: new Date(Date.now() - 60_000), Maximum: 2 }] });
  cloudWatchMock.on(PutMetricDataCommand).resolves({});
});

describe('health-monitor handler', () => {
  it('routes a scheduled event without operation to the monitor and publishes metrics', async () => {
    // Prepare
    const scheduled = {
      version: '0',
      id: 'b1c2d3',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: new Date().toISOString(),
      detail: {},
    };

    // Act
    const report = (await handler(scheduled, fakeLambdaContext)) as { published: unknown[]; plan: string };

    // Assess
    expect(report.plan).toBe('shop');
    expect(report.published).toHaveLength(4);
    expect(cloudWatchMock.commandCalls(PutMetricDataCommand)).toHaveLength(1);
    expect(fetchMock.mock.calls[0]?.[0].toString()).toBe('https://primary.shop.example.com/health');
  });

  it('runs preflight from the state machine input', async () => {
    // Prepare
    const event = { operation: 'preflight', ...envelope, request: validRequest };

    // Act
    const output = (await handler(event, fakeLambdaContext)) as { changes: unknown[]; request: unknown };

    // Assess
    expect(output.request).toEqual(validRequest);
    expect(output.changes).toHaveLength(6);
  });

  it('keeps the InvalidInputError name through middy for a bad execution input', async () => {
    // Prepare
    const event = { operation: 'preflight', ...envelope, request: { ...validRequest, mode: 'yolo' } };

    // Act
    const error = (await handler(event, fakeLambdaContext).catch((e: unknown) => e)) as Error & {
      field?: string;
    };

    // Assess
    expect(error.name).toBe('InvalidInputError');
    expect(error.field).toBe('mode');
    expect(rdsMock.calls()).toHaveLength(0);
  });

  it('rejects an unknown operation naming the field', async () => {
    // Prepare
    const event = { operation: 'promote', ...envelope };

    // Act
    const error = (await handler(event, fakeLambdaContext).catch((e: unknown) => e)) as Error & {
      field?: string;
    };

    // Assess
    expect(error.name).toBe('InvalidInputError');
    expect(error.field).toBe('operation');
  });

  it('verifies the DR endpoint and surfaces EndpointUnhealthyError by name', async () => {
    // Prepare
    const event = { operation: 'verify', ...envelope };
    fetchMock.mockResolvedValueOnce(new Response('ok', { status: 200 }));
    fetchMock.mockResolvedValueOnce(new Response('starting', { status: 503 }));

    // Act
    const output = await handler(event, fakeLambdaContext);
    const error = (await handler(event, fakeLambdaContext).catch((e: unknown) => e)) as Error;

    // Assess
    expect(output).toMatchObject({ url: 'https://dr.shop.example.com/health', httpStatus: 200 });
    expect(error.name).toBe('EndpointUnhealthyError');
  });

  it('assesses changes on the failure path', async () => {
    // Prepare
    const event = { operation: 'assess', ...envelope };

    // Act
    const output = await handler(event, fakeLambdaContext);

    // Assess
    expect(output).toMatchObject({ changes: [], unknown: [] });
  });
});
