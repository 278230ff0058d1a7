import {
  type DBInstance,
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type PromoteInput, promoteReplica } from '../../../../functions/promote-replica/promote-replica.ts';
import {
  AccessDeniedError,
  InvalidInputError,
  InvalidStateError,
  NotAReplicaError,
  NotPastPointOfNoReturnError,
  PromotionFailedError,
  ResourceNotFoundError,
  ThrottledError,
} from '../../../../plan/errors.ts';
import { loadPlanFile } from '../../../../plan/load.ts';
import { rejection, throttlingError } from '../aws-errors.ts';

const plan = loadPlanFile(new URL('../../../../drctl.plan.yaml', import.meta.url).pathname);
const NOW = new Date('2026-03-01T10:00:00.000Z');
const PRIMARY_ARN = 'arn:aws:rds:us-east-1:111111111111:db:shop-orders';

const rdsMock = mockClient(RDSClient);

/** The runs the guard was asked about; a run named `refused` is not past the point of no return. */
const guarded: string[] = [];
function ports() {
  const pastPointOfNoReturn = async (correlationId: string, action: string) => {
    guarded.push(correlationId);
    if (correlationId === 'refused')
      throw new NotPastPointOfNoReturnError(`${action}: refused, nothing changed`);
  };
  return { plan, rds: new RDSClient({ region: 'us-west-2' }), pastPointOfNoReturn, now: () => NOW };
}

function input(operation: 'start' | 'status', overrides: Partial<PromoteInput> = {}): PromoteInput {
  return {
    operation,
    correlationId: 'exec-1',
    executionStartTime: '2026-03-01T09:59:00.000Z',
    databaseId: 'orders',
    attempt: 0,
    startedAt: null,
    ...overrides,
  };
}

function instance(status: string, source?: string): DBInstance {
  return {
    DBInstanceIdentifier: 'shop-orders-replica',
    DBInstanceStatus: status,
    ...(source === undefined ? {} : { ReadReplicaSourceDBInstanceIdentifier: source }),
  };
}

function describes(...instances: DBInstance[]) {
  return rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: instances });
}

beforeEach(() => {
  rdsMock.reset();
});

describe('promote-replica start', () => {
  it('asks the run guard first, and promotes nothing for a run that is not past the point of no return', async () => {
    // Prepare
    describes(instance('available', PRIMARY_ARN));
    guarded.length = 0;

    // Act
    const error = await rejection(promoteReplica(ports(), input('start', { correlationId: 'refused' })));

    // Assess
    expect(error).toBeInstanceOf(NotPastPointOfNoReturnError);
    expect(guarded).toEqual(['refused']);
    expect(rdsMock.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
  });

  it('promotes the replica of the plan primary and reports it in progress', async () => {
    // Prepare
    describes(instance('available', PRIMARY_ARN));
    rdsMock.on(PromoteReadReplicaCommand).resolves({ DBInstance: instance('modifying') });

    // Act
    const output = await promoteReplica(ports(), input('start'));

    // Assess
    const calls = rdsMock.commandCalls(PromoteReadReplicaCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ DBInstanceIdentifier: 'shop-orders-replica' });
    expect(output).toEqual({
      databaseId: 'orders',
      identifier: 'shop-orders-replica',
      status: 'modifying',
      done: false,
      alreadyPromoted: false,
      startedAt: NOW.toISOString(),
      completedAt: null,
      attempt: 0,
    });
  });

  it('resolves the second database of the plan to its own replica', async () => {
    // Prepare
    describes({
      DBInstanceIdentifier: 'shop-catalog-replica',
      DBInstanceStatus: 'available',
      ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:shop-catalog',
    });
    rdsMock.on(PromoteReadReplicaCommand).resolves({});

    // Act
    const output = await promoteReplica(ports(), input('start', { databaseId: 'catalog' }));

    // Assess
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'shop-catalog-replica',
    });
    expect(rdsMock.commandCalls(PromoteReadReplicaCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'shop-catalog-replica',
    });
    expect(output.status).toBe('modifying');
  });

  it('reports an already standalone, available instance as done without promoting again', async () => {
    // Prepare
    describes(instance('available'));

    // Act
    const output = await promoteReplica(ports(), input('start'));

    // Assess
    expect(rdsMock.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
    expect(output).toMatchObject({ done: true, alreadyPromoted: true, completedAt: NOW.toISOString() });
  });

  it('waits for a promotion an earlier attempt started instead of starting a second one', async () => {
    // Prepare
    describes(instance('rebooting'));

    // Act
    const output = await promoteReplica(ports(), input('start'));

    // Assess
    expect(rdsMock.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
    expect(output).toMatchObject({ done: false, alreadyPromoted: false, status: 'rebooting' });
  });

  it('refuses to promote a replica of another instance and names both', async () => {
    // Prepare
    describes(instance('available', 'arn:aws:rds:us-east-1:111111111111:db:legacy-orders'));

    // Act
    const error = await rejection(promoteReplica(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(NotAReplicaError);
    expect(error.message).toContain('legacy-orders in us-east-1');
    expect(error.message).toContain('shop-orders in us-east-1');
    expect(rdsMock.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
  });

  it('refuses a source with the primary name in another region', async () => {
    // Prepare: a same-region source is reported by bare identifier
    describes(instance('available', 'shop-orders'));

    // Act
    const error = await rejection(promoteReplica(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(NotAReplicaError);
    expect(error.message).toContain('shop-orders in us-west-2');
    expect(rdsMock.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
  });

  it('reports a missing replica as a terminal not-found error', async () => {
    // Prepare
    rdsMock
      .on(DescribeDBInstancesCommand)
      .rejects(new DBInstanceNotFoundFault({ message: 'DBInstance not found', $metadata: {} }));

    // Act
    const error = await rejection(promoteReplica(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).retryable).toBe(false);
    expect(error.message).toContain('shop-orders-replica');
  });

  it('turns a busy replica into a retryable invalid-state error', async () => {
    // Prepare
    describes(instance('backing-up', PRIMARY_ARN));
    rdsMock
      .on(PromoteReadReplicaCommand)
      .rejects(new InvalidDBInstanceStateFault({ message: 'Instance is backing-up', $metadata: {} }));

    // Act
    const error = await rejection(promoteReplica(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(InvalidStateError);
    expect((error as InvalidStateError).retryable).toBe(true);
    expect(error.message).toContain('backing-up');
  });

  it('turns throttling into a retryable error', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).rejects(throttlingError());

    // Act
    const error = await rejection(promoteReplica(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryable).toBe(true);
  });

  it('turns a denied promotion into an access-denied error', async () => {
    // Prepare
    describes(instance('available', PRIMARY_ARN));
    rdsMock.on(PromoteReadReplicaCommand).rejects(
      Object.assign(new Error('not authorized to perform rds:PromoteReadReplica'), {
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );

    // Act
    const error = await rejection(promoteReplica(ports(), input('start')));

    // Assess
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.message).toContain('PromoteReadReplica shop-orders-replica');
  });

  it('rejects a database id the plan does not know, naming the field, before any call', async () => {
    // Prepare
    describes(instance('available', PRIMARY_ARN));

    // Act
    const error = await rejection(promoteReplica(ports(), input('start', { databaseId: 'billing' })));

    // Assess
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe('databaseId');
    expect(error.message).toContain('billing');
    expect(rdsMock.calls()).toHaveLength(0);
  });
});

describe('promote-replica status', () => {
  it('reports in progress while the instance still names its source', async () => {
    // Prepare
    describes(instance('available', PRIMARY_ARN));

    // Act
    const output = await promoteReplica(ports(), input('status', { attempt: 3 }));

    // Assess
    expect(output).toMatchObject({ done: false, status: 'available', completedAt: null, attempt: 4 });
  });

  it('reports in progress while the promoted instance reboots', async () => {
    // Prepare
    describes(instance('rebooting'));

    // Act
    const output = await promoteReplica(ports(), input('status'));

    // Assess
    expect(output).toMatchObject({ done: false, status: 'rebooting', attempt: 1 });
  });

  it('reports done once the standalone instance is available', async () => {
    // Prepare
    describes(instance('available'));

    // Act
    const output = await promoteReplica(
      ports(),
      input('status', { attempt: 5, startedAt: '2026-01-01T00:00:00.000Z' }),
    );

    // Assess: startedAt survives the polls so the timeline keeps the promotion's start
    expect(output).toMatchObject({
      done: true,
      status: 'available',
      startedAt: '2026-01-01T00:00:00.000Z',
      completedAt: NOW.toISOString(),
      attempt: 6,
    });
    expect(rdsMock.commandCalls(PromoteReadReplicaCommand)).toHaveLength(0);
  });

  it.each(['incompatible-parameters', 'failed', 'storage-full'])(
    'fails the step when the instance ends %s',
    async (status) => {
      // Prepare
      describes(instance(status));

      // Act
      const error = await rejection(promoteReplica(ports(), input('status')));

      // Assess
      expect(error).toBeInstanceOf(PromotionFailedError);
      expect((error as PromotionFailedError).retryable).toBe(false);
      expect(error.message).toContain(status);
    },
  );
});
