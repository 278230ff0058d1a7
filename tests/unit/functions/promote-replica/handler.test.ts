import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployedPlanFile } from '../deployed-plan.ts';
import { runPastPointOfNoReturn } from '../failover-run.ts';
import { fakeLambdaContext } from '../lambda-context.ts';

const rdsMock = mockClient(RDSClient);
const sfnMock = mockClient(SFNClient);
let handler: (event: unknown, context: typeof fakeLambdaContext) => Promise<unknown>;

beforeAll(async () => {
  process.env.DRCTL_PLAN_FILE = deployedPlanFile();
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../../../functions/promote-replica/handler.ts'));
});

describe('promote-replica handler', () => {
  it('validates the event at the edge and keeps the error name through middy', async () => {
    // Prepare
    const event = {
      operation: 'promote',
      correlationId: 'exec-1',
      executionStartTime: '2026-03-01T10:00:00Z',
    };

    // Act
    const error = await handler(event, fakeLambdaContext).catch((caught: Error) => caught);

    // Assess
    expect((error as Error).name).toBe('InvalidInputError');
    expect((error as Error).message).toContain('operation');
    expect(rdsMock.calls()).toHaveLength(0);
  });

  it('promotes the replica the plan names', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'shop-orders-replica',
          DBInstanceStatus: 'available',
          ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:shop-orders',
        },
      ],
    });
    rdsMock.on(PromoteReadReplicaCommand).resolves({});
    runPastPointOfNoReturn(sfnMock, 'exec-1');
    const event = {
      operation: 'start',
      correlationId: 'exec-1',
      executionStartTime: '2026-03-01T10:00:00Z',
      databaseId: 'orders',
    };

    // Act
    const output = await handler(event, fakeLambdaContext);

    // Assess
    expect(output).toMatchObject({ databaseId: 'orders', identifier: 'shop-orders-replica', done: false });
    expect(rdsMock.commandCalls(PromoteReadReplicaCommand)).toHaveLength(1);
  });
});
