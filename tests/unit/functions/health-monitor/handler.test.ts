import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { deployedPlanFile } from '../deployed-plan.ts';
import { fakeLambdaContext } from '../lambda-context.ts';
import { EXECUTION_ARN, STATE_MACHINE_ARN, validRequest } from './world.ts';

const rdsMock = mockClient(RDSClient);
const cloudWatchMock = mockClient(CloudWatchClient);
const ecsMock = mockClient(ECSClient);
const route53Mock = mockClient(Route53Client);
const sfnMock = mockClient(SFNClient);
/** The status each probed URL answers with (the probe sends its GETs through node:https). */
const probeStatus = vi.fn<(url: string) => number>();
vi.mock('node:https', async (importOriginal) => {
  const { EventEmitter } = await import('node:events');
  const actual = await importOriginal<typeof import('node:https')>();
  const request = (url: URL) => {
    const sent = new EventEmitter();
    return Object.assign(sent, {
      end: () => {
        const statusCode = probeStatus(url.toString());
        setImmediate(() => sent.emit('response', { statusCode, destroy: () => undefined }));
      },
    });
  };
  return { ...actual, request, default: { ...actual, request } };
});
let handler: (event: unknown, context: typeof fakeLambdaContext) => Promise<unknown>;

const envelope = { correlationId: 'exec-1', executionStartTime: new Date(Date.now() - 60_000).toISOString() };
const runIdentity = { executionArn: EXECUTION_ARN, stateMachineArn: STATE_MACHINE_ARN };

beforeAll(async () => {
  process.env.DRCTL_PLAN_FILE = deployedPlanFile();
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  // A closed local port: DNS lookups fail at once (the answer is then "unknown", not an error).
  process.env.DRCTL_DNS_RESOLVER = '127.0.0.1:9';
  ({ handler } = await import('../../../../functions/health-monitor/handler.ts'));
});

beforeEach(() => {
  for (const mock of [rdsMock, cloudWatchMock, ecsMock, route53Mock, sfnMock]) mock.reset();
  probeStatus.mockReset();
  probeStatus.mockReturnValue(200);
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
  cloudWatchMock.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [{ AlarmName: 'shop-traffic-gate-closed', StateValue: 'OK' }],
  });
  sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
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
    expect(probeStatus.mock.calls[0]?.[0]).toBe('https://primary.shop.example.com/health');
  });

  it('runs preflight from the state machine input', async () => {
    // Prepare
    const event = { operation: 'preflight', ...envelope, ...runIdentity, request: validRequest };

    // Act
    const output = (await handler(event, fakeLambdaContext)) as { changes: unknown[]; request: unknown };

    // Assess
    expect(output.request).toEqual(validRequest);
    expect(output.changes).toHaveLength(6);
    // The gate strategy reads traffic in the DR region: not one Route 53 call.
    expect(route53Mock.calls()).toHaveLength(0);
    expect(sfnMock.commandCalls(ListExecutionsCommand).length).toBeGreaterThan(0);
  });

  it('keeps the InvalidInputError name through middy for a bad execution input', async () => {
    // Prepare
    const event = {
      operation: 'preflight',
      ...envelope,
      ...runIdentity,
      request: { ...validRequest, mode: 'yolo' },
    };

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
    probeStatus.mockReturnValueOnce(200);
    probeStatus.mockReturnValueOnce(503);

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

  it('refuses an event that is not an object, before any call', async () => {
    // Prepare
    const events: unknown[] = [null, 42, 'monitor', [{ operation: 'monitor' }]];

    // Act
    const errors = await Promise.all(
      events.map((event) => handler(event, fakeLambdaContext).catch((e: unknown) => e as Error)),
    );

    // Assess
    expect(errors.map((e) => (e as Error).name)).toEqual(Array(4).fill('InvalidInputError'));
    expect(rdsMock.calls()).toHaveLength(0);
    expect(cloudWatchMock.calls()).toHaveLength(0);
  });
});
