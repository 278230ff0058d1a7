import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { stateMachineArns } from '../../../../functions/shared/state-machines.ts';
import { ConfigurationError } from '../../../../plan/errors.ts';
import { deployedPlanFile } from '../deployed-plan.ts';
import { fakeLambdaContext } from '../lambda-context.ts';
import { cloudWatchMock, plan, rdsMock, resetMocks } from './support.ts';

process.env.DRCTL_PLAN_FILE = deployedPlanFile();
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const { handler } = await import('../../../../functions/drill/handler.ts');
type Handler = (event: unknown, context: typeof fakeLambdaContext) => Promise<unknown>;

describe('drill handler', () => {
  it('refuses an unknown op and a bad op input at the edge, naming the field, before any call', async () => {
    // Prepare
    resetMocks();

    // Act
    const unknown = await (handler as Handler)({ op: 'promote-replica' }, fakeLambdaContext).catch(
      (e: Error) => e,
    );
    const bad = await (handler as Handler)(
      { op: 'create-copy', correlationId: 'x', executionStartTime: 'soon' },
      fakeLambdaContext,
    ).catch((e: Error) => e);

    // Assess
    expect((unknown as Error).name).toBe('InvalidInputError');
    expect((unknown as Error).message).toContain('op');
    expect((bad as Error).name).toBe('InvalidInputError');
    expect((bad as Error).message).toMatch(/executionStartTime|databaseId/);
    expect(rdsMock.calls()).toHaveLength(0);
  });

  it('routes an op to its core with the state machines of its own account and region', async () => {
    // Prepare
    resetMocks();
    cloudWatchMock
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'shop-drill-gate-closed', StateValue: 'OK' }] });
    const event = {
      op: 'gate',
      action: 'open',
      correlationId: 'drill-1',
      executionStartTime: '2026-03-01T03:00:00Z',
    };

    // Act
    const output = await (handler as Handler)(event, fakeLambdaContext);

    // Assess
    expect(output).toMatchObject({ gate: 'drill', done: true });
  });
});

describe('the state machines a drill function acts on', () => {
  it("are the plan's, in the function's account and region", () => {
    // Act
    const machines = stateMachineArns(plan, 'arn:aws:lambda:us-west-2:222233334444:function:shop-drill:live');

    // Assess
    expect(machines).toEqual({
      drill: 'arn:aws:states:us-west-2:222233334444:stateMachine:shop-drill',
      failover: 'arn:aws:states:us-west-2:222233334444:stateMachine:shop-failover',
    });
  });

  it('refuse a function deployed outside the DR region', () => {
    // Act
    const wrong = () => stateMachineArns(plan, 'arn:aws:lambda:us-east-1:222233334444:function:shop-drill');

    // Assess
    expect(wrong).toThrow(ConfigurationError);
    expect(wrong).toThrow('the DR region us-west-2');
  });
});
