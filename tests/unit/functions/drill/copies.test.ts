import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateDBInstanceReadReplicaCommand,
  DBInstanceAlreadyExistsFault,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
} from '@aws-sdk/client-rds';
import { beforeEach, describe, expect, it } from 'vitest';
import { copyStatus } from '../../../../functions/drill/copy-status.ts';
import { createCopy } from '../../../../functions/drill/create-copy.ts';
import { promoteCopy } from '../../../../functions/drill/promote-copy.ts';
import {
  DrillFailedError,
  InvalidStateError,
  NotADrillResourceError,
  PromotionFailedError,
} from '../../../../plan/errors.ts';
import { rejection } from '../aws-errors.ts';
import {
  cloudWatchMock,
  copy,
  EXECUTION,
  envelope,
  healthyReplicas,
  instances,
  NOW,
  ports,
  rdsMock,
  resetMocks,
} from './support.ts';

const create = (databaseId = 'orders') => ({ op: 'create-copy' as const, ...envelope, databaseId });
const promote = (op: 'promote-copy' | 'promote-status', overrides = {}) => ({
  op,
  ...envelope,
  databaseId: 'orders',
  attempt: 0,
  startedAt: null,
  lagAtPromotionSeconds: null,
  lagObservedAt: null,
  ...overrides,
});

beforeEach(() => {
  resetMocks();
  rdsMock.on(CreateDBInstanceReadReplicaCommand).resolves({ DBInstance: { DBInstanceStatus: 'creating' } });
  rdsMock.on(PromoteReadReplicaCommand).resolves({ DBInstance: { DBInstanceStatus: 'modifying' } });
});

describe('drill create-copy', () => {
  it('creates a cascading read replica of the DR replica: same class and security groups, private, tagged with the plan and this drill', async () => {
    // Prepare
    instances(healthyReplicas());

    // Act
    const output = await createCopy(ports(), create());

    // Assess
    const calls = rdsMock.commandCalls(CreateDBInstanceReadReplicaCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'shop-orders-replica-drill',
      SourceDBInstanceIdentifier: 'shop-orders-replica',
      DBInstanceClass: 'db.t4g.medium',
      PubliclyAccessible: false,
      MultiAZ: false,
      VpcSecurityGroupIds: ['sg-0123'],
      CopyTagsToSnapshot: false,
      DeletionProtection: false,
      Tags: [
        { Key: 'drctl:plan', Value: 'shop' },
        { Key: 'drctl:drill', Value: EXECUTION },
      ],
    });
    // A same-region replica lives in its source's subnet group: RDS refuses DBSubnetGroupName there.
    expect(calls[0]?.args[0].input).not.toHaveProperty('DBSubnetGroupName');
    expect(output).toEqual({
      databaseId: 'orders',
      copyIdentifier: 'shop-orders-replica-drill',
      sourceIdentifier: 'shop-orders-replica',
      status: 'creating',
      requestedAt: NOW.toISOString(),
      alreadyExisted: false,
    });
  });

  it('continues with a copy this drill already made (a retried create), without a second create', async () => {
    // Prepare
    instances([
      ...healthyReplicas(),
      copy('shop-orders-replica-drill', EXECUTION, { DBInstanceStatus: 'creating' }),
    ]);

    // Act
    const output = await createCopy(ports(), create());

    // Assess
    expect(rdsMock.commandCalls(CreateDBInstanceReadReplicaCommand)).toHaveLength(0);
    expect(output).toMatchObject({ alreadyExisted: true, status: 'creating', requestedAt: null });
  });

  it("waits (a retryable InvalidStateError) while another drill's copy of that name is being swept", async () => {
    // Prepare
    instances([
      ...healthyReplicas(),
      copy('shop-orders-replica-drill', 'drill-crashed', { DBInstanceStatus: 'deleting' }),
    ]);

    // Act
    const error = await rejection(createCopy(ports(), create()));

    // Assess
    expect(error).toBeInstanceOf(InvalidStateError);
    expect(error.message).toContain(
      'is the copy of drill drill-crashed (status deleting), which the sweep removes',
    );
    expect(rdsMock.commandCalls(CreateDBInstanceReadReplicaCommand)).toHaveLength(0);
  });

  it('refuses an instance of that name that drctl did not make, naming it', async () => {
    // Prepare
    instances([
      ...healthyReplicas(),
      { ...copy('shop-orders-replica-drill', null), TagList: [{ Key: 'owner', Value: 'dba' }] },
    ]);

    // Act
    const error = await rejection(createCopy(ports(), create()));

    // Assess
    expect(error).toBeInstanceOf(NotADrillResourceError);
    expect(error.message).toContain(
      'rds:us-west-2:shop-orders-replica-drill exists but is not a drill copy of plan shop',
    );
  });

  it('turns a create that raced another attempt into a retry, and refuses a database outside the plan', async () => {
    // Prepare
    instances(healthyReplicas());
    rdsMock
      .on(CreateDBInstanceReadReplicaCommand)
      .rejects(new DBInstanceAlreadyExistsFault({ message: 'DB instance already exists', $metadata: {} }));

    // Act
    const raced = await rejection(createCopy(ports(), create()));
    const outside = await rejection(createCopy(ports(), create('payments')));

    // Assess
    expect(raced).toBeInstanceOf(InvalidStateError);
    expect(outside).toBeInstanceOf(NotADrillResourceError);
    expect(outside.message).toContain('no database "payments" in plan shop');
  });
});

describe('drill copy-status', () => {
  it('is done when every copy of this drill is an available replica', async () => {
    // Prepare
    instances([
      copy('shop-orders-replica-drill', EXECUTION),
      copy('shop-catalog-replica-drill', EXECUTION, { DBInstanceStatus: 'creating' }),
    ]);

    // Act
    const waiting = await copyStatus(ports(), { op: 'copy-status', ...envelope, attempt: 3 });
    instances([copy('shop-orders-replica-drill', EXECUTION), copy('shop-catalog-replica-drill', EXECUTION)]);
    const ready = await copyStatus(ports(), { op: 'copy-status', ...envelope, attempt: 4 });

    // Assess
    expect(waiting).toMatchObject({ done: false, attempt: 4, readyAt: null });
    expect(waiting.copies.map((c) => [c.copyIdentifier, c.status, c.available])).toEqual([
      ['shop-orders-replica-drill', 'available', true],
      ['shop-catalog-replica-drill', 'creating', false],
    ]);
    expect(ready).toMatchObject({ done: true, attempt: 5, readyAt: NOW.toISOString() });
  });

  it('fails the drill when a copy is gone or stuck in a status waiting will not change', async () => {
    // Prepare
    instances([
      copy('shop-orders-replica-drill', EXECUTION, { DBInstanceStatus: 'incompatible-parameters' }),
    ]);

    // Act
    const error = await rejection(copyStatus(ports(), { op: 'copy-status', ...envelope, attempt: 0 }));

    // Assess
    expect(error).toBeInstanceOf(DrillFailedError);
  });
});

describe('drill promote-copy and promote-status', () => {
  it("reads the copy's ReplicaLag right before PromoteReadReplica on the copy, and records both", async () => {
    // Prepare
    instances([copy('shop-orders-replica-drill', EXECUTION)]);
    cloudWatchMock
      .on(GetMetricStatisticsCommand)
      .resolves({ Datapoints: [{ Timestamp: new Date(NOW.getTime() - 30_000), Maximum: 2 }] });

    // Act
    const output = await promoteCopy(ports(), promote('promote-copy'));

    // Assess
    const lagRead = cloudWatchMock.commandCalls(GetMetricStatisticsCommand)[0]?.args[0].input;
    expect(lagRead?.Dimensions).toEqual([
      { Name: 'DBInstanceIdentifier', Value: 'shop-orders-replica-drill' },
    ]);
    expect(rdsMock.commandCalls(PromoteReadReplicaCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'shop-orders-replica-drill' },
    ]);
    expect(output).toMatchObject({
      copyIdentifier: 'shop-orders-replica-drill',
      status: 'modifying',
      done: false,
      startedAt: NOW.toISOString(),
      lagAtPromotionSeconds: 2,
      attempt: 0,
    });
  });

  it('polls until the copy is standalone and available, keeping what promote-copy recorded', async () => {
    // Prepare
    instances([
      copy('shop-orders-replica-drill', EXECUTION, {
        ReadReplicaSourceDBInstanceIdentifier: undefined,
        DBInstanceStatus: 'rebooting',
      }),
    ]);
    const echoed = {
      attempt: 2,
      startedAt: '2026-03-01T02:58:00.000Z',
      lagAtPromotionSeconds: 2,
      lagObservedAt: '2026-03-01T02:57:30.000Z',
    };

    // Act
    const rebooting = await promoteCopy(ports(), promote('promote-status', echoed));
    instances([
      copy('shop-orders-replica-drill', EXECUTION, { ReadReplicaSourceDBInstanceIdentifier: undefined }),
    ]);
    const done = await promoteCopy(ports(), promote('promote-status', echoed));

    // Assess
    expect(rebooting).toMatchObject({
      done: false,
      attempt: 3,
      startedAt: echoed.startedAt,
      lagAtPromotionSeconds: 2,
    });
    expect(done).toMatchObject({ done: true, completedAt: NOW.toISOString(), startedAt: echoed.startedAt });
    expect(rdsMock.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
  });

  it('never promotes twice, and never promotes a copy that is not this drill’s', async () => {
    // Prepare
    instances([
      copy('shop-orders-replica-drill', EXECUTION, { ReadReplicaSourceDBInstanceIdentifier: undefined }),
    ]);

    // Act
    const again = await promoteCopy(ports(), promote('promote-copy'));
    instances([copy('shop-orders-replica-drill', 'drill-other')]);
    const other = await rejection(promoteCopy(ports(), promote('promote-copy')));

    // Assess
    expect(again).toMatchObject({ alreadyPromoted: true, done: true });
    expect(other).toBeInstanceOf(DrillFailedError);
    expect(rdsMock.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
  });

  it('retries a promotion RDS refuses for the moment, and fails one in a terminal status', async () => {
    // Prepare
    instances([copy('shop-orders-replica-drill', EXECUTION)]);
    cloudWatchMock.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
    rdsMock
      .on(PromoteReadReplicaCommand)
      .rejects(new InvalidDBInstanceStateFault({ message: 'backing-up', $metadata: {} }));

    // Act
    const busy = await rejection(promoteCopy(ports(), promote('promote-copy')));
    instances([copy('shop-orders-replica-drill', EXECUTION, { DBInstanceStatus: 'storage-full' })]);
    const full = await rejection(promoteCopy(ports(), promote('promote-status')));

    // Assess
    expect(busy).toBeInstanceOf(InvalidStateError);
    expect(full).toBeInstanceOf(PromotionFailedError);
  });
});
