import { GetMetricStatisticsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CreateDBInstanceReadReplicaCommand, DeleteDBInstanceCommand } from '@aws-sdk/client-rds';
import { beforeEach, describe, expect, it } from 'vitest';
import { type DrillPreflightInput, drillPreflight } from '../../../../functions/drill/preflight.ts';
import { DrillRefusedError, InvalidInputError, ThrottledError } from '../../../../plan/errors.ts';
import { rejection, throttlingError } from '../aws-errors.ts';
import {
  alarms,
  cloudWatchMock,
  ecsMock,
  envelope,
  execution,
  healthyReplicas,
  instances,
  MACHINES,
  NOW,
  plan,
  ports,
  rdsMock,
  replica,
  resetMocks,
  running,
  SELF_ARN,
  services,
  sfnMock,
} from './support.ts';

const request = {
  mode: 'drill',
  reason: 'monthly drill',
  incidentId: 'DRILL-7',
  requestedBy: 'schedule:shop-drill',
};

function input(overrides: Partial<DrillPreflightInput> = {}): DrillPreflightInput {
  return {
    op: 'preflight',
    ...envelope,
    executionArn: SELF_ARN,
    stateMachineArn: MACHINES.drill,
    request,
    ...overrides,
  };
}

function allWell(): void {
  instances(healthyReplicas());
  alarms({});
  services();
  running({});
  cloudWatchMock.on(GetMetricStatisticsCommand).resolves({
    Datapoints: [
      { Timestamp: new Date(NOW.getTime() - 120_000), Maximum: 2 },
      { Timestamp: new Date(NOW.getTime() - 60_000), Maximum: 3 },
    ],
  });
}

/** Nothing that changes anything was called. */
function expectNoChange(): void {
  expect(rdsMock.commandCalls(CreateDBInstanceReadReplicaCommand)).toHaveLength(0);
  expect(rdsMock.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
  expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  expect(cloudWatchMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
}

describe('drill preflight', () => {
  beforeEach(() => {
    resetMocks();
    allWell();
  });

  it('passes a healthy plan, naming each copy and reporting the replica lag now, read only', async () => {
    // Prepare (all well)

    // Act
    const output = await drillPreflight(ports(), input());

    // Assess
    expect(output.request).toEqual(request);
    expect(output.executionName).toBe(envelope.correlationId);
    expect(output.drillRecord).toBe('drill.shop.example.com');
    expect(output.databases).toEqual([
      expect.objectContaining({ id: 'orders', copyIdentifier: 'shop-orders-replica-drill', lagSeconds: 3 }),
      expect.objectContaining({ id: 'catalog', copyIdentifier: 'shop-catalog-replica-drill', lagSeconds: 3 }),
    ]);
    expect(output.services.map((s) => [s.id, s.desiredCount, s.drDesiredCount])).toEqual([
      ['web', 0, 2],
      ['api', 0, 2],
      ['worker', 0, 1],
    ]);
    expect(output.timing).toMatchObject({ copyPollSeconds: 30, copyMaxPolls: 180, promotionPollSeconds: 10 });
    expectNoChange();
  });

  it('refuses while a failover runs, naming it, but not beside a failover dry-run', async () => {
    // Prepare
    running({
      failover: [
        execution('failover', 'alarm-1', new Date(NOW.getTime() - 60_000), { mode: 'failover' }),
        execution('failover', 'check', new Date(NOW.getTime() - 30_000), { mode: 'dry-run' }),
      ],
    });

    // Act
    const error = await rejection(drillPreflight(ports(), input()));

    // Assess
    expect(error).toBeInstanceOf(DrillRefusedError);
    expect(error.message).toContain('a failover runs (execution alarm-1');
    expect(error.message).not.toContain('execution check');
    expectNoChange();
  });

  it('refuses when the plan is failed over: a DR replica standalone or the traffic gate closed', async () => {
    // Prepare
    const [orders, catalog] = healthyReplicas();
    instances([{ ...orders, ReadReplicaSourceDBInstanceIdentifier: undefined }, catalog as never]);
    alarms({ public: 'ALARM' });

    // Act
    const error = await rejection(drillPreflight(ports(), input()));

    // Assess
    expect(error).toBeInstanceOf(DrillRefusedError);
    expect(error.message).toContain('plan shop is failed over');
    expect(error.message).toContain('rds:us-west-2:shop-orders-replica is a standalone instance');
    expect(error.message).toContain('the traffic gate is closed');
  });

  it('refuses while an older drill runs (one at a time), and lets a younger one refuse itself', async () => {
    // Prepare
    const older = execution('drill', 'drill-older', new Date(NOW.getTime() - 600_000));
    const younger = execution('drill', 'drill-younger', new Date(NOW.getTime() + 1_000));

    // Act
    running({
      drill: [
        older,
        {
          ...execution('drill', envelope.correlationId, new Date(envelope.executionStartTime)),
          executionArn: SELF_ARN,
        },
      ],
    });
    const refused = await rejection(drillPreflight(ports(), input()));
    running({ drill: [younger] });
    const passed = await drillPreflight(ports(), input());

    // Assess
    expect(refused).toBeInstanceOf(DrillRefusedError);
    expect(refused.message).toContain('another drill runs (execution drill-older');
    expect(passed.executionName).toBe(envelope.correlationId);
  });

  it('refuses a replica that cannot be copied: not available, or without automated backups', async () => {
    // Prepare
    instances([
      replica('shop-orders-replica', { DBInstanceStatus: 'modifying' }),
      replica('shop-catalog-replica', { BackupRetentionPeriod: 0 }),
    ]);

    // Act
    const error = await rejection(drillPreflight(ports(), input()));

    // Assess
    expect(error).toBeInstanceOf(DrillRefusedError);
    expect(error.message).toContain('rds:us-west-2:shop-orders-replica is modifying, not available');
    expect(error.message).toContain('rds:us-west-2:shop-catalog-replica has automated backups off');
  });

  it('refuses the failover modes with InvalidInputError naming the failover machine', async () => {
    // Prepare
    const failover = { ...request, mode: 'failover' };

    // Act
    const error = await rejection(drillPreflight(ports(), input({ request: failover })));

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain('runs on the failover state machine shop-failover');
    expect((error as InvalidInputError).field).toBe('mode');
  });

  it.each(["drill(1)'x", 'ü-name', 'inc+1(a)'])(
    'refuses an execution name a drill tag cannot hold (%s), before any AWS call',
    async (name) => {
      // Act
      const error = await rejection(drillPreflight(ports(), input({ correlationId: name })));

      // Assess
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).toBe('correlationId');
      expect(error.message).toContain('letters, digits, - _ .');
      expect(error.message).toContain('start the execution with a name of');
      expect(rdsMock.calls()).toHaveLength(0);
      expect(sfnMock.calls()).toHaveLength(0);
    },
  );

  it('throws throttling as ThrottledError, for the state machine to retry, instead of refusing', async () => {
    // Prepare
    running({});
    sfnMock.rejects(throttlingError('ThrottlingException'));

    // Act
    const error = await rejection(drillPreflight(ports(), input()));

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
  });

  it('reports an unknown lag as null, never zero', async () => {
    // Prepare
    cloudWatchMock.on(GetMetricStatisticsCommand).resolves({ Datapoints: [{ Timestamp: NOW, Maximum: -1 }] });

    // Act
    const output = await drillPreflight(ports(), input());

    // Assess
    expect(output.databases.map((d) => d.lagSeconds)).toEqual([null, null]);
    expect(plan.databases).toHaveLength(2);
  });
});
