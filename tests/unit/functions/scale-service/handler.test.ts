import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployedPlanFile } from '../deployed-plan.ts';
import { fakeLambdaContext } from '../lambda-context.ts';

const ecsMock = mockClient(ECSClient);
let handler: (event: unknown, context: typeof fakeLambdaContext) => Promise<unknown>;

beforeAll(async () => {
  process.env.DRCTL_PLAN_FILE = deployedPlanFile();
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../../../functions/scale-service/handler.ts'));
});

describe('scale-service handler', () => {
  it('validates the event at the edge and keeps the error name through middy', async () => {
    // Prepare
    const event = { operation: 'start', correlationId: 'exec-1', executionStartTime: '2026-03-01T10:00:00Z' };

    // Act
    const error = await handler(event, fakeLambdaContext).catch((caught: Error) => caught);

    // Assess
    expect((error as Error).name).toBe('InvalidInputError');
    expect((error as Error).message).toContain('serviceId');
    expect(ecsMock.calls()).toHaveLength(0);
  });

  it('scales the service the plan names', async () => {
    // Prepare
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [
        { serviceName: 'shop-worker', status: 'ACTIVE', desiredCount: 0, runningCount: 0, pendingCount: 0 },
      ],
    });
    ecsMock.on(UpdateServiceCommand).resolves({});
    const event = {
      operation: 'start',
      correlationId: 'exec-1',
      executionStartTime: '2026-03-01T10:00:00Z',
      serviceId: 'worker',
    };

    // Act
    const output = await handler(event, fakeLambdaContext);

    // Assess
    expect(output).toMatchObject({
      serviceId: 'worker',
      cluster: 'shop-dr',
      service: 'shop-worker',
      desiredCount: 1,
    });
    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toEqual({
      cluster: 'shop-dr',
      service: 'shop-worker',
      desiredCount: 1,
    });
  });
});
