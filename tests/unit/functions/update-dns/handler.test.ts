import { CloudWatchClient, DescribeAlarmsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { Route53Client } from '@aws-sdk/client-route-53';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployedPlanFile } from '../deployed-plan.ts';
import { runPastPointOfNoReturn } from '../failover-run.ts';
import { fakeLambdaContext } from '../lambda-context.ts';

const route53Mock = mockClient(Route53Client);
const cloudWatchMock = mockClient(CloudWatchClient);
const sfnMock = mockClient(SFNClient);
let handler: (event: unknown, context: typeof fakeLambdaContext) => Promise<unknown>;

beforeAll(async () => {
  process.env.DRCTL_PLAN_FILE = deployedPlanFile();
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../../../functions/update-dns/handler.ts'));
});

describe('update-dns handler', () => {
  it('validates the event at the edge and keeps the error name through middy', async () => {
    // Prepare
    const event = {
      operation: 'status',
      correlationId: 'exec-1',
      executionStartTime: 'yesterday',
    };

    // Act
    const error = await handler(event, fakeLambdaContext).catch((caught: Error) => caught);

    // Assess
    expect((error as Error).name).toBe('InvalidInputError');
    expect((error as Error).message).toContain('executionStartTime');
    expect(cloudWatchMock.calls()).toHaveLength(0);
  });

  it("closes the reference plan's traffic gate in the DR region without any Route 53 call", async () => {
    // Prepare
    cloudWatchMock.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: 'shop-traffic-gate-closed', StateValue: 'OK' }],
    });
    cloudWatchMock.on(PutMetricDataCommand).resolves({});
    runPastPointOfNoReturn(sfnMock, 'exec-1');
    const event = { operation: 'start', correlationId: 'exec-1', executionStartTime: '2026-03-01T10:00:00Z' };

    // Act
    const output = await handler(event, fakeLambdaContext);

    // Assess
    expect(output).toMatchObject({ record: 'www.shop.example.com', via: 'data-plane', done: false });
    expect(cloudWatchMock.commandCalls(PutMetricDataCommand)[0]?.args[0].input).toMatchObject({
      Namespace: 'drctl',
      MetricData: [{ MetricName: 'PrimaryTrafficGate', Value: 0 }],
    });
    expect(route53Mock.calls()).toHaveLength(0);
  });

  it('leaves the gate open for a run Step Functions does not know', async () => {
    // Prepare
    cloudWatchMock.reset();
    sfnMock
      .on(GetExecutionHistoryCommand)
      .rejects(Object.assign(new Error('Execution Does Not Exist'), { name: 'ExecutionDoesNotExist' }));
    const event = {
      operation: 'start',
      correlationId: 'made-up',
      executionStartTime: '2026-03-01T10:00:00Z',
    };

    // Act
    const error = await handler(event, fakeLambdaContext).catch((caught: Error) => caught);

    // Assess
    expect((error as Error).name).toBe('NotPastPointOfNoReturnError');
    expect(cloudWatchMock.calls()).toHaveLength(0);
  });
});
