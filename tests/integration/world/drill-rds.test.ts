import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  AddTagsToResourceCommand,
  CreateDBInstanceReadReplicaCommand,
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  ListTagsForResourceCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  RemoveTagsFromResourceCommand,
} from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS, startWorld, type World } from '../../../local/index.ts';
import { DRILL_EXECUTION_TAG, DRILL_PLAN_TAG, drillCopyIdentifier } from '../../../plan/names.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
const database = plan.databases[0] as (typeof plan.databases)[number];
const copyId = drillCopyIdentifier(database.replica.identifier);
const dr = plan.regions.dr;
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function open(): Promise<{ world: World; rds: RDSClient }> {
  world = await startWorld({ plan, scale: 10_000, schedule: false, alarmTrigger: false });
  return { world, rds: worldClient(world, RDSClient, dr) };
}

const describeOne = async (rds: RDSClient, identifier: string) =>
  (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances?.[0];

const createCopy = (rds: RDSClient, identifier = copyId, source = database.replica.identifier) =>
  rds.send(
    new CreateDBInstanceReadReplicaCommand({
      DBInstanceIdentifier: identifier,
      SourceDBInstanceIdentifier: source,
      PubliclyAccessible: false,
      Tags: [
        { Key: DRILL_PLAN_TAG, Value: plan.name },
        { Key: DRILL_EXECUTION_TAG, Value: 'drill-1' },
      ],
    }),
  );

async function untilStatus(on: World, rds: RDSClient, identifier: string, status: string): Promise<void> {
  await on.until(() => on.models.rds.find(dr, identifier)?.status === status, { timeoutSeconds: 3_600 });
  expect((await describeOne(rds, identifier))?.DBInstanceStatus).toBe(status);
}

describe('drill copies: CreateDBInstanceReadReplica of the DR replica (a cascading replica)', () => {
  it('runs creating → available in the documented time, tagged, replicating from the DR replica with backups off', async () => {
    // Prepare
    const { world: w, rds } = await open();
    const replicaArn = w.models.rds.find(dr, database.replica.identifier)?.arn;

    // Act
    const created = await createCopy(rds);
    const startedAt = w.clock.now();
    const whileCreating = await describeOne(rds, copyId);
    await untilStatus(w, rds, copyId, 'available');
    const copy = await describeOne(rds, copyId);
    const source = await describeOne(rds, database.replica.identifier);
    const tags = await rds.send(new ListTagsForResourceCommand({ ResourceName: copy?.DBInstanceArn }));

    // Assess
    expect(created.DBInstance?.DBInstanceStatus).toBe('creating');
    expect(whileCreating?.Endpoint).toBeUndefined();
    const created_event = w.events.list({ type: 'rds.instance-created' })[0];
    expect(((created_event?.at ?? 0) - startedAt) / 1000).toBeLessThanOrEqual(
      DEFAULT_TIMINGS.replicaCreationSeconds,
    );
    expect(created_event?.detail.seconds).toBe(DEFAULT_TIMINGS.replicaCreationSeconds);
    expect(copy?.ReadReplicaSourceDBInstanceIdentifier).toBe(replicaArn);
    expect(copy?.BackupRetentionPeriod).toBe(0);
    expect(copy?.DeletionProtection).toBe(false);
    expect(copy?.PubliclyAccessible).toBe(false);
    expect(copy?.Endpoint?.Port).toBeGreaterThan(0);
    expect(copy?.DBInstanceClass).toBe(source?.DBInstanceClass);
    expect(source?.ReadReplicaDBInstanceIdentifiers).toContain(copy?.DBInstanceArn);
    expect(source?.ReadReplicaSourceDBInstanceIdentifier).toBe(
      w.models.rds.find(database.primary.region, database.primary.identifier)?.arn,
    );
    expect(copy?.TagList).toEqual([
      { Key: DRILL_PLAN_TAG, Value: plan.name },
      { Key: DRILL_EXECUTION_TAG, Value: 'drill-1' },
    ]);
    expect(tags.TagList).toEqual(copy?.TagList);
  });

  it('refuses what RDS refuses: an identifier in use, an unknown source, a source not available, a source without backups', async () => {
    // Prepare
    const { rds } = await open();
    await createCopy(rds);

    // Act
    const again = await createCopy(rds).catch((error: unknown) => error);
    const unknown = await createCopy(rds, 'shop-other-drill', 'no-such-replica').catch(
      (error: unknown) => error,
    );
    const fromCreating = await createCopy(rds, 'shop-chained', copyId).catch((error: unknown) => error);
    await untilStatus(world as World, rds, copyId, 'available');
    const fromNoBackups = await createCopy(rds, 'shop-chained', copyId).catch((error: unknown) => error);

    // Assess
    expect(again).toBeInstanceOf(DBInstanceAlreadyExistsFault);
    expect(unknown).toBeInstanceOf(DBInstanceNotFoundFault);
    expect(fromCreating).toBeInstanceOf(InvalidDBInstanceStateFault);
    expect((fromCreating as Error).message).toMatch(/not in available state/);
    expect(fromNoBackups).toBeInstanceOf(InvalidDBInstanceStateFault);
    expect((fromNoBackups as Error).message).toMatch(/Automated backups are not enabled/);
    expect(world?.models.rds.find(dr, 'shop-chained')).toBeUndefined();
  });

  it('publishes the copy its own small ReplicaLag, behind its immediate source', async () => {
    // Prepare
    const { world: w, rds } = await open();
    await createCopy(rds);
    await untilStatus(w, rds, copyId, 'available');
    const availableAt = w.clock.now();

    // Act
    await w.runFor(300);
    const lag = await worldClient(w, CloudWatchClient, dr).send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/RDS',
        MetricName: 'ReplicaLag',
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: copyId }],
        StartTime: new Date(availableAt),
        EndTime: new Date(w.clock.now()),
        Period: 60,
        Statistics: ['Maximum'],
      }),
    );

    // Assess
    expect(lag.Datapoints?.length).toBeGreaterThanOrEqual(3);
    for (const point of lag.Datapoints ?? []) {
      expect(point.Maximum).toBe(DEFAULT_TIMINGS.cascadingReplicaLagSeconds);
    }
  });

  it('promotes the copy like any replica and leaves the DR replica replicating from the primary', async () => {
    // Prepare
    const { world: w, rds } = await open();
    await createCopy(rds);
    await untilStatus(w, rds, copyId, 'available');

    // Act
    await rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: copyId }));
    await w.until(() => w.events.list({ type: 'rds.promotion-completed' }).length > 0, {
      timeoutSeconds: 3_600,
    });
    const copy = await describeOne(rds, copyId);
    const replica = await describeOne(rds, database.replica.identifier);

    // Assess
    expect(copy?.DBInstanceStatus).toBe('available');
    expect(copy?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    expect(replica?.ReadReplicaSourceDBInstanceIdentifier).toBeDefined();
    expect(replica?.ReadReplicaDBInstanceIdentifiers ?? []).toEqual([]);
    expect(w.models.rds.replicaLagSeconds(database.id, w.clock.now())).toBe(
      DEFAULT_TIMINGS.replicaLagSeconds,
    );
    const ended = w.models.rds.replicationEnds();
    expect(ended).toHaveLength(1);
    expect(ended[0]?.cause).toBe('promotion');
    expect(ended[0]?.secondsBehindPrimary).toBeCloseTo(
      DEFAULT_TIMINGS.replicaLagSeconds + DEFAULT_TIMINGS.cascadingReplicaLagSeconds,
      1,
    );
    expect(w.measurements().rpo.databases).toEqual([]);
  });
});

describe('DeleteDBInstance', () => {
  it('runs deleting → gone with SkipFinalSnapshot, then DBInstanceNotFound; refuses a second delete and a missing snapshot choice', async () => {
    // Prepare
    const { world: w, rds } = await open();
    await createCopy(rds);
    await untilStatus(w, rds, copyId, 'available');

    // Act
    const noChoice = await rds
      .send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: copyId }))
      .catch((error: unknown) => error);
    const snapshotOfReplica = await rds
      .send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: copyId, FinalDBSnapshotIdentifier: 'final' }))
      .catch((error: unknown) => error);
    const deleting = await rds.send(
      new DeleteDBInstanceCommand({
        DBInstanceIdentifier: copyId,
        SkipFinalSnapshot: true,
        DeleteAutomatedBackups: true,
      }),
    );
    const twice = await rds
      .send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: copyId, SkipFinalSnapshot: true }))
      .catch((error: unknown) => error);
    await w.until(() => w.models.rds.find(dr, copyId) === undefined, { timeoutSeconds: 3_600 });
    const gone = await describeOne(rds, copyId).catch((error: unknown) => error);
    const source = await describeOne(rds, database.replica.identifier);

    // Assess
    expect((noChoice as { name?: string }).name).toBe('InvalidParameterCombination');
    expect((noChoice as Error).message).toMatch(
      /FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot/,
    );
    expect((snapshotOfReplica as Error).message).toMatch(/deleting a replica instance/);
    expect(deleting.DBInstance?.DBInstanceStatus).toBe('deleting');
    expect(twice).toBeInstanceOf(InvalidDBInstanceStateFault);
    expect((twice as Error).message).toMatch(/already being deleted/);
    expect(gone).toBeInstanceOf(DBInstanceNotFoundFault);
    expect(source?.ReadReplicaDBInstanceIdentifiers ?? []).toEqual([]);
    const deleted = w.events.list({ type: 'rds.instance-deleted' })[0];
    expect(deleted?.detail.seconds).toBe(DEFAULT_TIMINGS.instanceDeletionSeconds);
  });

  it('deletes a copy that is still creating when no final snapshot is asked for, and refuses to take one', async () => {
    // Prepare
    const { world: w, rds } = await open();
    await createCopy(rds);

    // Act
    const withSnapshot = await rds
      .send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: copyId, FinalDBSnapshotIdentifier: 'final' }))
      .catch((error: unknown) => error);
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: copyId, SkipFinalSnapshot: true }));
    await w.runFor(DEFAULT_TIMINGS.replicaCreationSeconds + DEFAULT_TIMINGS.instanceDeletionSeconds);

    // Assess
    expect((withSnapshot as Error).message).toMatch(/deleting a replica instance/);
    expect(w.models.rds.find(dr, copyId)).toBeUndefined();
    expect(w.events.list({ type: 'rds.instance-created' })).toEqual([]);
  });

  it('refuses to delete the production replica and primary: deletion protection, as the CDK app deploys them', async () => {
    // Prepare
    const { world: w, rds } = await open();

    // Act
    const replica = await rds
      .send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: database.replica.identifier,
          SkipFinalSnapshot: true,
        }),
      )
      .catch((error: unknown) => error);
    const primary = await worldClient(w, RDSClient, plan.regions.primary)
      .send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: database.primary.identifier,
          SkipFinalSnapshot: true,
        }),
      )
      .catch((error: unknown) => error);

    // Assess
    for (const refused of [replica, primary]) {
      expect((refused as { name?: string }).name).toBe('InvalidParameterCombination');
      expect((refused as Error).message).toMatch(/disable deletion protection/);
    }
    expect(w.models.rds.find(dr, database.replica.identifier)?.status).toBe('available');
  });
});

describe('RDS tags and filters', () => {
  it('adds, lists and removes tags by ARN, and finds instances with the db-instance-id filter', async () => {
    // Prepare
    const { world: w, rds } = await open();
    await createCopy(rds);
    const arn = w.models.rds.find(dr, copyId)?.arn;

    // Act
    await rds.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: [{ Key: 'team', Value: 'dr' }] }));
    await rds.send(
      new AddTagsToResourceCommand({
        ResourceName: arn,
        Tags: [{ Key: DRILL_EXECUTION_TAG, Value: 'drill-2' }],
      }),
    );
    await rds.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: ['team'] }));
    const listed = await rds.send(new ListTagsForResourceCommand({ ResourceName: arn }));
    const filtered = await rds.send(
      new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-instance-id', Values: [copyId] }] }),
    );
    const reserved = await rds
      .send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: [{ Key: 'aws:owner', Value: 'x' }] }))
      .catch((error: unknown) => error);
    const missing = await rds
      .send(new ListTagsForResourceCommand({ ResourceName: `${arn}-nope` }))
      .catch((error: unknown) => error);

    // Assess
    expect(listed.TagList).toEqual([
      { Key: DRILL_PLAN_TAG, Value: plan.name },
      { Key: DRILL_EXECUTION_TAG, Value: 'drill-2' },
    ]);
    expect(filtered.DBInstances?.map((i) => i.DBInstanceIdentifier)).toEqual([copyId]);
    expect(filtered.DBInstances?.[0]?.TagList).toEqual(listed.TagList);
    expect((reserved as { name?: string }).name).toBe('InvalidParameterValue');
    expect(missing).toBeInstanceOf(DBInstanceNotFoundFault);
  });
});

describe('the mutation ledger', () => {
  it('records each mutating call with the resources it touched and its outcome, and no read', async () => {
    // Prepare
    const { world: w, rds } = await open();
    const copyArn = w.models.rds.arnOf(dr, copyId);

    // Act
    await createCopy(rds);
    await createCopy(rds).catch(() => undefined);
    await describeOne(rds, copyId);
    const mutations = w.mutations();

    // Assess
    expect(mutations.map((m) => [m.service, m.region, m.operation, m.resources, m.outcome])).toEqual([
      ['rds', dr, 'CreateDBInstanceReadReplica', [copyArn], 'ok'],
      ['rds', dr, 'CreateDBInstanceReadReplica', [copyArn], 'DBInstanceAlreadyExists'],
    ]);
    expect(mutations.every((m) => m.kind === 'outside')).toBe(true);
  });
});
