import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  DescribeDBInstancesCommand,
  DescribeDBParametersCommand,
  ModifyDBParameterGroupCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fencePrimary } from '../../../../functions/fence-primary/fence.ts';
import { loadPlanFile } from '../../../../plan/load.ts';

const plan = loadPlanFile(new URL('../../../../drctl.plan.yaml', import.meta.url).pathname);
const NOW = new Date('2026-03-01T12:00:00.000Z');
const primaryEcs = new ECSClient({ region: 'us-east-1' });
const primaryRds = new RDSClient({ region: 'us-east-1' });
const drEcs = new ECSClient({ region: 'us-west-2' });
const drRds = new RDSClient({ region: 'us-west-2' });
const cloudWatch = new CloudWatchClient({ region: 'us-west-2' });
const mocks = {
  primaryEcs: mockClient(primaryEcs),
  primaryRds: mockClient(primaryRds),
  drEcs: mockClient(drEcs),
  drRds: mockClient(drRds),
  cloudWatch: mockClient(cloudWatch),
};
const ports = { plan, primaryEcs, primaryRds, ecs: drEcs, rds: drRds, cloudWatch, now: () => NOW };
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', $metadata: {} });

/** The DR side: replicas promoted (or still replicating), services at their DR counts (or 0). */
function drSide(state: { promoted: boolean; serving: boolean }) {
  mocks.drRds.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier: string }) => ({
    DBInstances: [
      {
        DBInstanceIdentifier: input.DBInstanceIdentifier,
        DBInstanceStatus: 'available',
        ...(state.promoted
          ? {}
          : {
              ReadReplicaSourceDBInstanceIdentifier: `arn:aws:rds:us-east-1:111111111111:db:${input.DBInstanceIdentifier.replace('-replica', '')}`,
            }),
      },
    ],
  }));
  mocks.drEcs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
    services: input.services.map((name) => ({
      serviceName: name,
      status: 'ACTIVE',
      runningCount: state.serving ? 2 : 0,
    })),
  }));
}

/** The old primary answering: services running, databases in their own parameter groups. */
function primaryAnswers(readOnly = false) {
  mocks.primaryEcs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
    services: input.services.map((name) => ({
      serviceName: name,
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
    })),
  }));
  mocks.primaryEcs.on(UpdateServiceCommand).resolves({});
  mocks.primaryRds.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier: string }) => ({
    DBInstances: [
      {
        DBInstanceIdentifier: input.DBInstanceIdentifier,
        DBParameterGroups: [{ DBParameterGroupName: `${input.DBInstanceIdentifier}-pg` }],
      },
    ],
  }));
  mocks.primaryRds
    .on(DescribeDBParametersCommand)
    .resolves({ Parameters: readOnly ? [{ ParameterName: 'read_only', ParameterValue: '1' }] : [] });
  mocks.primaryRds.on(ModifyDBParameterGroupCommand).resolves({});
}

describe('fence the old primary', () => {
  beforeEach(() => {
    for (const mock of Object.values(mocks)) mock.reset();
    mocks.cloudWatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'shop-traffic-gate-closed', StateValue: 'ALARM' }] });
  });

  it('past the point of no return: services to 0, databases read only', async () => {
    // Prepare
    drSide({ promoted: false, serving: false });
    primaryAnswers();

    // Act
    const output = await fencePrimary(ports, { attempt: 0, pastPointOfNoReturn: true });

    // Assess
    expect(output.resources.map((r) => [r.resource, r.outcome])).toEqual([
      ['ecs:us-east-1:shop/shop-web', 'fenced'],
      ['ecs:us-east-1:shop/shop-api', 'fenced'],
      ['ecs:us-east-1:shop/shop-worker', 'fenced'],
      ['rds:us-east-1:shop-orders', 'fenced'],
      ['rds:us-east-1:shop-catalog', 'fenced'],
    ]);
    expect(output).toMatchObject({ done: true, failedOver: true, attempt: 1 });
    expect(
      mocks.primaryEcs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input.desiredCount),
    ).toEqual([0, 0, 0]);
    expect(mocks.primaryRds.commandCalls(ModifyDBParameterGroupCommand)[0]?.args[0].input).toEqual({
      DBParameterGroupName: 'shop-orders-pg',
      Parameters: [{ ParameterName: 'read_only', ParameterValue: '1', ApplyMethod: 'immediate' }],
    });
  });

  it('reads before it acts: an already read-only database is not modified again', async () => {
    // Prepare
    drSide({ promoted: true, serving: true });
    primaryAnswers(true);

    // Act
    const output = await fencePrimary(ports, { attempt: 3, pastPointOfNoReturn: true });

    // Assess
    expect(mocks.primaryRds.commandCalls(ModifyDBParameterGroupCommand)).toHaveLength(0);
    expect(output.resources.find((r) => r.resource === 'rds:us-east-1:shop-orders')?.detail).toContain(
      'already',
    );
  });

  it('leaves everything pending while the primary region does not answer, and stops once the DR side serves', async () => {
    // Prepare
    drSide({ promoted: true, serving: true });
    mocks.primaryEcs.on(DescribeServicesCommand).rejects(refused());
    mocks.primaryRds.on(DescribeDBInstancesCommand).rejects(refused());

    // Act
    const output = await fencePrimary(ports, { attempt: 0, pastPointOfNoReturn: true });

    // Assess
    expect(output.resources.filter((r) => r.kind !== 'traffic').map((r) => r.outcome)).toEqual(
      Array(5).fill('pending'),
    );
    expect(output).toMatchObject({ recoveryComplete: true, done: true });
  });

  it('names a database on the default parameter group as failed, with the fix', async () => {
    // Prepare
    drSide({ promoted: true, serving: false });
    primaryAnswers();
    mocks.primaryRds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'shop-orders',
          DBParameterGroups: [{ DBParameterGroupName: 'default.mysql8.0' }],
        },
      ],
    });

    // Act
    const output = await fencePrimary(ports, { attempt: 0, pastPointOfNoReturn: true });

    // Assess
    const orders = output.resources.find((r) => r.resource === 'rds:us-east-1:shop-orders');
    expect(orders).toMatchObject({ outcome: 'failed' });
    expect(orders?.detail).toContain('attach a custom parameter group');
    expect(output.done).toBe(false);
  });

  it('on the schedule, never fences a primary whose replicas still replicate (it is the only writer)', async () => {
    // Prepare
    drSide({ promoted: false, serving: false });
    primaryAnswers();

    // Act
    const output = await fencePrimary(ports, { attempt: 0, pastPointOfNoReturn: false });

    // Assess
    expect(output).toMatchObject({ failedOver: false, resources: [], done: true });
    expect(mocks.primaryEcs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(mocks.primaryRds.commandCalls(ModifyDBParameterGroupCommand)).toHaveLength(0);
  });

  it('on the schedule, fences what is pending once the plan is failed over and the region answers', async () => {
    // Prepare
    drSide({ promoted: true, serving: true });
    primaryAnswers();

    // Act
    const output = await fencePrimary(ports, { attempt: 0, pastPointOfNoReturn: false });

    // Assess: the schedule also checks that the traffic gate stays closed
    expect(output.failedOver).toBe(true);
    expect(output.resources.every((r) => r.outcome === 'fenced')).toBe(true);
    expect(output.resources.map((r) => r.kind)).toContain('traffic');
  });
});
