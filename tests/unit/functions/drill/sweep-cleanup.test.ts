import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  DeleteDBInstanceCommand,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
} from '@aws-sdk/client-rds';
import { beforeEach, describe, expect, it } from 'vitest';
import { cleanup } from '../../../../functions/drill/cleanup.ts';
import { sweep } from '../../../../functions/drill/sweep.ts';
import { NotADrillResourceError } from '../../../../plan/errors.ts';
import { rejection } from '../aws-errors.ts';
import {
  alarms,
  cloudWatchMock,
  copy,
  EXECUTION,
  ecsMock,
  envelope,
  execution,
  healthyReplicas,
  instances,
  NOW,
  ports,
  rdsMock,
  replica,
  resetMocks,
  running,
  services,
} from './support.ts';

const sweepInput = (overrides = {}) => ({
  op: 'sweep' as const,
  reason: 'test',
  attempt: 0,
  previous: [],
  ...overrides,
});
const cleanupInput = (overrides = {}) => ({
  op: 'cleanup' as const,
  ...envelope,
  attempt: 0,
  previous: [],
  ...overrides,
});

const deleted = () => rdsMock.commandCalls(DeleteDBInstanceCommand).map((c) => c.args[0].input);
const scaled = () => ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input);
const gateWrites = () =>
  cloudWatchMock.commandCalls(PutMetricDataCommand).map((c) => ({
    namespace: c.args[0].input.Namespace,
    metric: c.args[0].input.MetricData?.[0]?.MetricName,
    value: c.args[0].input.MetricData?.[0]?.Value,
  }));

beforeEach(() => {
  resetMocks();
  rdsMock.on(DeleteDBInstanceCommand).resolves({});
  ecsMock.on(UpdateServiceCommand).resolves({});
  cloudWatchMock.on(PutMetricDataCommand).resolves({});
  alarms({});
  services();
  running({});
});

describe('drill sweep', () => {
  it('removes what a crashed drill left: its copies (no final snapshot), the closed drill gate, DR services above the pilot light', async () => {
    // Prepare
    instances([
      ...healthyReplicas(),
      copy('shop-orders-replica-drill', 'drill-crashed'),
      copy('old-db-replica-drill', 'drill-crashed'),
    ]);
    alarms({ drill: 'ALARM' });
    services({ 'shop-web': 2 });

    // Act
    const output = await sweep(ports(), sweepInput());

    // Assess
    expect(deleted()).toEqual([
      {
        DBInstanceIdentifier: 'shop-orders-replica-drill',
        SkipFinalSnapshot: true,
        DeleteAutomatedBackups: true,
      },
      { DBInstanceIdentifier: 'old-db-replica-drill', SkipFinalSnapshot: true, DeleteAutomatedBackups: true },
    ]);
    expect(gateWrites()).toEqual([{ namespace: 'drctl/drill', metric: 'DrillTrafficGate', value: 1 }]);
    expect(scaled()).toEqual([{ cluster: 'shop-dr', service: 'shop-web', desiredCount: 0 }]);
    expect(output.done).toBe(false);
    expect(output.resources.map((r) => [r.resource, r.outcome])).toEqual([
      ['rds:us-west-2:shop-orders-replica-drill', 'pending'],
      ['rds:us-west-2:old-db-replica-drill', 'pending'],
      ['cloudwatch:us-west-2:alarm/shop-drill-gate-closed', 'pending'],
      ['ecs:us-west-2:shop-dr/shop-web', 'cleaned'],
    ]);
  });

  it('is done once the deletions have finished, and keeps what earlier polls did', async () => {
    // Prepare
    instances([
      ...healthyReplicas(),
      copy('shop-orders-replica-drill', 'drill-crashed', { DBInstanceStatus: 'deleting' }),
    ]);
    const first = await sweep(ports(), sweepInput());
    instances(healthyReplicas());

    // Act
    const second = await sweep(ports(), sweepInput({ attempt: first.attempt, previous: first.resources }));

    // Assess
    expect(deleted()).toEqual([]);
    expect(first.done).toBe(false);
    expect(second.done).toBe(true);
    expect(second.attempt).toBe(2);
    expect(second.resources).toEqual([
      expect.objectContaining({
        resource: 'rds:us-west-2:shop-orders-replica-drill',
        outcome: 'cleaned',
        detail: 'deleted (it no longer exists)',
      }),
    ]);
  });

  it('leaves alone what belongs to a drill that still runs, and everything but copies while another drill runs', async () => {
    // Prepare
    instances([
      ...healthyReplicas(),
      copy('shop-orders-replica-drill', 'drill-now'),
      copy('shop-catalog-replica-drill', 'drill-old'),
    ]);
    running({ drill: [execution('drill', 'drill-now', NOW)] });
    alarms({ drill: 'ALARM' });
    services({ 'shop-web': 2 });

    // Act
    const output = await sweep(ports(), sweepInput());

    // Assess
    expect(deleted().map((d) => d.DBInstanceIdentifier)).toEqual(['shop-catalog-replica-drill']);
    expect(gateWrites()).toEqual([]);
    expect(scaled()).toEqual([]);
    expect(output.resources.find((r) => r.resource.endsWith('shop-orders-replica-drill'))).toMatchObject({
      outcome: 'skipped',
      detail: 'belongs to drill drill-now, which still runs',
    });
  });

  it('never scales DR services down while a failover runs or the plan is failed over', async () => {
    // Prepare
    instances(healthyReplicas());
    services({ 'shop-web': 2, 'shop-api': 2 });
    running({ failover: [execution('failover', 'alarm-9', NOW, { mode: 'failover' })] });

    // Act
    const duringFailover = await sweep(ports(), sweepInput());
    running({});
    instances([
      replica('shop-orders-replica', { ReadReplicaSourceDBInstanceIdentifier: undefined }),
      replica('shop-catalog-replica'),
    ]);
    const failedOver = await sweep(ports(), sweepInput());

    // Assess
    expect(scaled()).toEqual([]);
    expect(duringFailover.resources.map((r) => r.outcome)).toEqual(['skipped', 'skipped']);
    expect(duringFailover.resources[0]?.detail).toContain('a failover runs (execution alarm-9');
    expect(failedOver.resources[0]?.detail).toContain('the plan is failed over');
  });

  it('never touches an instance that is named like a copy but not tagged with the plan, nor the plan replicas', async () => {
    // Prepare
    const foreign = {
      ...copy('shop-orders-replica-drill', null),
      TagList: [{ Key: 'team', Value: 'other' }],
    };
    instances([...healthyReplicas(), foreign]);

    // Act
    const output = await sweep(ports(), sweepInput());

    // Assess
    expect(deleted()).toEqual([]);
    expect(rdsMock.commandCalls(PromoteReadReplicaCommand)).toEqual([]);
    expect(output.resources).toEqual([]);
    expect(output.done).toBe(true);
  });
});

describe('drill cleanup', () => {
  it("deletes this drill's copies, scales the DR services back to 0, opens the drill gate, and polls until all is gone", async () => {
    // Prepare
    instances([
      ...healthyReplicas(),
      copy('shop-orders-replica-drill', EXECUTION),
      copy('shop-catalog-replica-drill', EXECUTION),
    ]);
    services({ 'shop-web': 2, 'shop-api': 2, 'shop-worker': 1 });
    alarms({ drill: 'ALARM' });

    // Act
    const first = await cleanup(ports(), cleanupInput());
    instances(healthyReplicas());
    services();
    alarms({ drill: 'OK' });
    const second = await cleanup(
      ports(),
      cleanupInput({ attempt: first.attempt, previous: first.resources }),
    );

    // Assess
    expect(
      deleted().map((d) => [d.DBInstanceIdentifier, d.SkipFinalSnapshot, d.DeleteAutomatedBackups]),
    ).toEqual([
      ['shop-orders-replica-drill', true, true],
      ['shop-catalog-replica-drill', true, true],
    ]);
    expect(scaled().map((s) => [s.service, s.desiredCount])).toEqual([
      ['shop-web', 0],
      ['shop-api', 0],
      ['shop-worker', 0],
    ]);
    expect(gateWrites()).toEqual([{ namespace: 'drctl/drill', metric: 'DrillTrafficGate', value: 1 }]);
    expect(first).toMatchObject({ done: false, complete: false });
    expect(second).toMatchObject({ done: true, complete: true, leftBehind: [] });
    expect(second.resources.map((r) => [r.resource, r.outcome, r.action])).toEqual([
      [
        'rds:us-west-2:shop-orders-replica-drill',
        'cleaned',
        'delete (no final snapshot, automated backups deleted)',
      ],
      [
        'rds:us-west-2:shop-catalog-replica-drill',
        'cleaned',
        'delete (no final snapshot, automated backups deleted)',
      ],
      ['ecs:us-west-2:shop-dr/shop-web', 'cleaned', 'scale to 0'],
      ['ecs:us-west-2:shop-dr/shop-api', 'cleaned', 'scale to 0'],
      ['ecs:us-west-2:shop-dr/shop-worker', 'cleaned', 'scale to 0'],
      [
        'cloudwatch:us-west-2:alarm/shop-drill-gate-closed',
        'cleaned',
        'open the drill gate (PutMetricData 1)',
      ],
    ]);
  });

  it('reports a copy RDS will not delete yet as pending, and one it refuses for good as left behind with why', async () => {
    // Prepare
    instances([
      ...healthyReplicas(),
      copy('shop-orders-replica-drill', EXECUTION, { DBInstanceStatus: 'creating' }),
      copy('shop-catalog-replica-drill', EXECUTION),
    ]);
    rdsMock
      .on(DeleteDBInstanceCommand, { DBInstanceIdentifier: 'shop-orders-replica-drill' })
      .rejects(new InvalidDBInstanceStateFault({ message: 'Instance is creating', $metadata: {} }))
      .on(DeleteDBInstanceCommand, { DBInstanceIdentifier: 'shop-catalog-replica-drill' })
      .rejects(
        Object.assign(new Error('not authorized'), {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 },
        }),
      );

    // Act
    const output = await cleanup(ports(), cleanupInput());

    // Assess
    expect(output.done).toBe(false);
    expect(output.complete).toBe(false);
    expect(output.leftBehind).toEqual([
      expect.stringMatching(
        /^rds:us-west-2:shop-orders-replica-drill: pending \(RDS cannot delete it while it is creating/,
      ),
      expect.stringMatching(
        /^rds:us-west-2:shop-catalog-replica-drill: failed \(DeleteDBInstance .*AccessDenied/,
      ),
    ]);
  });

  it("leaves another drill's copy to its sweep, and what drctl did not make untouched", async () => {
    // Prepare
    const foreign = { ...copy('shop-catalog-replica-drill', null), TagList: [] };
    instances([...healthyReplicas(), copy('shop-orders-replica-drill', 'drill-other'), foreign]);

    // Act
    const output = await cleanup(ports(), cleanupInput());

    // Assess
    expect(deleted()).toEqual([]);
    expect(output.complete).toBe(true);
    expect(output.resources.slice(0, 2).map((r) => [r.outcome, r.detail])).toEqual([
      ['skipped', 'the copy of drill drill-other, not of this one: its sweep removes it'],
      ['skipped', 'an instance drctl did not make (no drill tag of this plan): never touched'],
    ]);
  });

  it('refuses to delete an instance that is not a drill copy, even when asked through a tag', async () => {
    // Prepare
    const { deleteCopy } = await import('../../../../functions/drill/delete-copy.ts');
    const production = {
      identifier: 'shop-orders-replica',
      status: 'available',
      execution: EXECUTION,
      tags: { 'drctl:plan': 'shop' },
      source: 'x',
      instance: {},
    };

    // Act
    const error = await rejection(deleteCopy(ports().rds, ports().plan, production));

    // Assess
    expect(error).toBeInstanceOf(NotADrillResourceError);
    expect(error.message).toContain('shop-orders-replica: it is not a drill copy');
    expect(deleted()).toEqual([]);
  });
});
