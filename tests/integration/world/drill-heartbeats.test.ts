import {
  CreateDBInstanceReadReplicaCommand,
  DescribeDBInstancesCommand,
  ModifyDBParameterGroupCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS, startWorld, type World } from '../../../local/index.ts';
import type { DbInstance } from '../../../local/rds/model.ts';
import { CANARY_USER, canarySecretName, drillCopyIdentifier } from '../../../plan/names.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
const database = plan.databases[0] as (typeof plan.databases)[number];
const copyId = drillCopyIdentifier(database.replica.identifier);
const { replicaLagSeconds, cascadingReplicaLagSeconds } = DEFAULT_TIMINGS;
let world: World | undefined;
const connections: mysql.Connection[] = [];

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.destroy();
  await world?.close();
  world = undefined;
});

const instance = (w: World, region: string, identifier: string) =>
  w.models.rds.find(region, identifier) as DbInstance;

/** The canary's writes, made on the model at exact simulated instants (every 5 s). */
function beatEveryFiveSeconds(w: World): () => void {
  const primary = instance(w, database.primary.region, database.primary.identifier);
  const table = w.models.rds.heartbeats(primary, w.clock.now());
  table.ensureSchema(w.clock.now());
  table.ensureTable(w.clock.now());
  let stopped = false;
  const beat = () => {
    if (stopped) return;
    w.models.rds.heartbeats(primary, w.clock.now()).insert(w.clock.now());
    w.after(5, beat);
  };
  beat();
  return () => {
    stopped = true;
  };
}

describe('heartbeats replicate primary → DR replica → drill copy, each with its lag', () => {
  it('shows each instance the last heartbeat committed its lag ago, and a promoted copy keeps its last one', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 2_000, schedule: false, alarmTrigger: false });
    const w = world;
    const rds = w.models.rds;
    const stop = beatEveryFiveSeconds(w);
    await worldClient(w, RDSClient, plan.regions.dr).send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: copyId,
        SourceDBInstanceIdentifier: database.replica.identifier,
      }),
    );
    await w.until(() => rds.find(plan.regions.dr, copyId)?.status === 'available', { timeoutSeconds: 3_600 });
    const primary = instance(w, database.primary.region, database.primary.identifier);
    const replica = instance(w, database.replica.region, database.replica.identifier);
    const copy = instance(w, plan.regions.dr, copyId);

    // Act: read all three at one exact instant, 2.5 s after a beat.
    const seen = await new Promise<Record<string, { seq: number; writtenAt: number } | undefined>>(
      (resolve) => {
        const lastBeat = rds.lastHeartbeat(primary, w.clock.now())?.writtenAt ?? 0;
        w.after((lastBeat + 5_000 + 2_500 - w.clock.now()) / 1000, () => {
          const at = w.clock.now();
          resolve({
            at: { seq: 0, writtenAt: at },
            primary: rds.lastHeartbeat(primary, at),
            replica: rds.lastHeartbeat(replica, at),
            copy: rds.lastHeartbeat(copy, at),
          });
        });
      },
    );
    const at = seen.at?.writtenAt ?? 0;
    const expected = (lagSeconds: number) =>
      rds.heartbeats(primary, w.clock.now()).last(at - lagSeconds * 1000)?.seq;
    await w.runFor(30);
    const { databaseId } = copy;
    await rds.promote(plan.regions.dr, copyId);
    await w.until(
      () => rds.find(plan.regions.dr, copyId)?.status === 'available' && copy.role === 'standalone',
      {
        timeoutSeconds: 3_600,
      },
    );
    const ended = rds.replicationEnds().find((end) => end.identifier === copyId);
    const keptAfterPromotion = rds.lastHeartbeat(copy, w.clock.now());
    await w.runFor(60);
    const keptLater = rds.lastHeartbeat(copy, w.clock.now());
    const primaryLater = rds.lastHeartbeat(primary, w.clock.now());
    stop();
    const copyEndpoint = w.models.databases.endpointOf(copy);
    const onCopy = await mysql.createConnection({
      host: copyEndpoint?.host,
      port: copyEndpoint?.port,
      user: CANARY_USER,
      password: w.models.secrets.canaryPassword(plan.regions.dr, database.id),
    });
    connections.push(onCopy);
    const [written] = await onCopy.query<mysql.ResultSetHeader>(
      'INSERT INTO drctl_canary.heartbeat (written_at) VALUES (NOW(3))',
    );

    // Assess
    expect(seen.primary?.writtenAt).toBe(at - 2_500);
    expect(seen.replica?.seq).toBe(expected(replicaLagSeconds));
    expect(seen.copy?.seq).toBe(expected(replicaLagSeconds + cascadingReplicaLagSeconds));
    // 2.5 s after a beat: the DR replica (2 s behind) has it, the copy (3 s behind) not yet.
    expect(seen.replica?.seq).toBe(seen.primary?.seq);
    expect(seen.copy?.seq).toBe((seen.primary?.seq ?? 0) - 1);
    expect(databaseId).toBe(database.id);
    expect(ended?.lastHeartbeat).toEqual(keptAfterPromotion);
    expect(keptLater).toEqual(keptAfterPromotion);
    expect(written.insertId).toBe((keptAfterPromotion?.seq ?? 0) + 1);
    expect((primaryLater?.seq ?? 0) - (keptLater?.seq ?? 0)).toBeGreaterThanOrEqual(60 / 5);
    // Replication ends at the reboot; the copy's last heartbeat is at least the chain's lag older.
    const behind = (ended?.at ?? 0) - (keptAfterPromotion?.writtenAt ?? 0);
    expect(behind).toBeGreaterThanOrEqual((replicaLagSeconds + cascadingReplicaLagSeconds) * 1000);
    expect(behind).toBeLessThan((replicaLagSeconds + cascadingReplicaLagSeconds + 5) * 1000);
  });

  it('keeps the copy catching up with a DR replica whose primary is lost, to the last heartbeat the DR replica got', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 2_000, schedule: false, alarmTrigger: false });
    const w = world;
    const rds = w.models.rds;
    const stop = beatEveryFiveSeconds(w);
    await worldClient(w, RDSClient, plan.regions.dr).send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: copyId,
        SourceDBInstanceIdentifier: database.replica.identifier,
      }),
    );
    await w.until(() => rds.find(plan.regions.dr, copyId)?.status === 'available', { timeoutSeconds: 3_600 });
    const replica = instance(w, database.replica.region, database.replica.identifier);
    const copy = instance(w, plan.regions.dr, copyId);

    // Act
    w.faults.regionOutage(plan.regions.primary);
    await w.runFor(60);
    stop();

    // Assess
    expect(rds.lastHeartbeat(copy, w.clock.now())).toEqual(rds.lastHeartbeat(replica, w.clock.now()));
    expect(rds.lagOf(copy, w.clock.now())).toBe(0);
    expect(rds.lagOf(replica, w.clock.now())).toBe(-1);
  });
});

describe('the canary secrets and the MySQL endpoints, through the real clients', () => {
  it('serves the canary secret in both regions, and the endpoints DescribeDBInstances names accept it', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 50, schedule: false, alarmTrigger: false });
    const w = world;
    const name = canarySecretName(plan, database.id);
    const secretIn = async (region: string) =>
      worldClient(w, SecretsManagerClient, region).send(new GetSecretValueCommand({ SecretId: name }));
    const endpointOf = async (region: string, identifier: string) => {
      const found = await worldClient(w, RDSClient, region).send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }),
      );
      return found.DBInstances?.[0]?.Endpoint;
    };
    const connect = async (address: { Address?: string; Port?: number } | undefined, password: string) => {
      const connection = await mysql.createConnection({
        host: address?.Address,
        port: address?.Port,
        user: CANARY_USER,
        password,
      });
      connection.on('error', () => {});
      connections.push(connection);
      return connection;
    };

    // Act
    const primarySecret = await secretIn(plan.regions.primary);
    const drSecret = await secretIn(plan.regions.dr);
    const unknown = await worldClient(w, SecretsManagerClient, plan.regions.dr)
      .send(new GetSecretValueCommand({ SecretId: 'drctl/nope/canary' }))
      .catch((error: unknown) => error);
    const { username, password } = JSON.parse(primarySecret.SecretString ?? '{}') as Record<string, string>;
    const writer = await connect(
      await endpointOf(plan.regions.primary, database.primary.identifier),
      password ?? '',
    );
    await writer.query("SET time_zone = '+00:00'");
    await writer.query('CREATE DATABASE IF NOT EXISTS drctl_canary');
    await writer.query(
      'CREATE TABLE IF NOT EXISTS drctl_canary.heartbeat (seq BIGINT AUTO_INCREMENT PRIMARY KEY, written_at TIMESTAMP(3) NOT NULL)',
    );
    await writer.query('INSERT INTO drctl_canary.heartbeat (written_at) VALUES (NOW(3))');
    await w.runFor(replicaLagSeconds + 2);
    const reader = await connect(
      await endpointOf(plan.regions.dr, database.replica.identifier),
      password ?? '',
    );
    const [onReplica] = await reader.query<RowDataPacket[]>(
      'SELECT seq, written_at FROM drctl_canary.heartbeat ORDER BY seq DESC LIMIT 1',
    );
    const refused = await reader
      .query('INSERT INTO drctl_canary.heartbeat (written_at) VALUES (NOW(3))')
      .catch((error: unknown) => error);
    await worldClient(w, RDSClient, plan.regions.primary).send(
      new ModifyDBParameterGroupCommand({
        DBParameterGroupName: `${database.primary.identifier}-params`,
        Parameters: [{ ParameterName: 'read_only', ParameterValue: '1', ApplyMethod: 'immediate' }],
      }),
    );
    const fenced = await writer
      .query('INSERT INTO drctl_canary.heartbeat (written_at) VALUES (NOW(3))')
      .catch((error: unknown) => error);
    const wrongPassword = await connect(
      await endpointOf(plan.regions.dr, database.replica.identifier),
      'nope',
    ).catch((error: unknown) => error);

    // Assess
    expect(username).toBe(CANARY_USER);
    expect(drSecret.SecretString).toBe(primarySecret.SecretString);
    expect(drSecret.ARN).toMatch(
      new RegExp(`^arn:aws:secretsmanager:${plan.regions.dr}:\\d{12}:secret:${name}-`),
    );
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect(onReplica).toEqual([{ seq: 1, written_at: expect.any(Date) }]);
    expect((refused as { errno?: number }).errno).toBe(1290);
    expect((fenced as { errno?: number }).errno).toBe(1290);
    expect((wrongPassword as { errno?: number }).errno).toBe(1045);
  });

  it('resets connections to an instance whose region is down', async () => {
    // Prepare
    world = await startWorld({ plan, scale: 50, schedule: false, alarmTrigger: false });
    const w = world;
    const primary = instance(w, database.primary.region, database.primary.identifier);
    const endpoint = w.models.databases.endpointOf(primary);
    const password = w.models.secrets.canaryPassword(plan.regions.primary, database.id);

    // Act
    w.faults.regionOutage(plan.regions.primary);
    const refused = await mysql
      .createConnection({ host: endpoint?.host, port: endpoint?.port, user: CANARY_USER, password })
      .catch((error: unknown) => error);

    // Assess
    expect((refused as { code?: string }).code).toMatch(/ECONNRESET|PROTOCOL_CONNECTION_LOST/);
  });
});
