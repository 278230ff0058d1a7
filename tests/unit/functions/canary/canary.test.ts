import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { beatOnce } from '../../../../functions/canary/beat.ts';
import { runCanary } from '../../../../functions/canary/operate.ts';
import { readHeartbeats } from '../../../../functions/canary/read.ts';
import { canaryRole, databaseTls, readCanarySettings } from '../../../../functions/canary/role.ts';
import { isoFromSql, sqlTimestamp } from '../../../../functions/canary/sql.ts';
import { writeForAMinute } from '../../../../functions/canary/write-loop.ts';
import { ConfigurationError, InvalidInputError } from '../../../../plan/errors.ts';
import { rejection } from '../aws-errors.ts';
import { fakeWorld, plan, rdsMock, resetMocks, secretsMock } from './support.ts';

beforeEach(() => resetMocks());

describe('canary beatOnce', () => {
  it('writes one heartbeat to every primary with the database clock, creating the table once per connection', async () => {
    // Prepare
    const { deps, database } = fakeWorld();

    // Act
    const first = await beatOnce(deps);
    const second = await beatOnce(deps);

    // Assess
    expect(first).toEqual([
      { databaseId: 'orders', instanceIdentifier: 'shop-orders', seq: 1 },
      { databaseId: 'catalog', instanceIdentifier: 'shop-catalog', seq: 1 },
    ]);
    expect(second.map((b) => b.seq)).toEqual([2, 2]);
    expect(database('shop-orders').statements).toEqual([
      "SET time_zone = '+00:00'",
      'CREATE DATABASE IF NOT EXISTS drctl_canary',
      'CREATE TABLE IF NOT EXISTS drctl_canary.heartbeat (seq BIGINT AUTO_INCREMENT PRIMARY KEY, written_at TIMESTAMP(3) NOT NULL)',
      'INSERT INTO drctl_canary.heartbeat (written_at) VALUES (NOW(3))',
      'INSERT INTO drctl_canary.heartbeat (written_at) VALUES (NOW(3))',
    ]);
    expect(database('shop-orders').connects).toBe(1);
    expect(database('shop-orders').endpoint).toMatchObject({
      engine: 'mysql',
      host: 'shop-orders.rds.example',
      port: 3306,
      username: 'drctl_canary',
      tls: true,
    });
    expect(secretsMock.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([
      'drctl/shop/orders/canary',
      'drctl/shop/catalog/canary',
    ]);
  });

  it('reports a database that does not answer without holding back the others, and reconnects after', async () => {
    // Prepare
    const { deps, database } = fakeWorld();
    await beatOnce(deps);
    database('shop-orders').down = true;

    // Act
    const during = await beatOnce(deps);
    database('shop-orders').down = false;
    const after = await beatOnce(deps);

    // Assess
    // The kept connection is reset, and the fresh one it tries once more is refused.
    expect(during[0]).toMatchObject({
      databaseId: 'orders',
      seq: null,
      error: 'ECONNREFUSED: connect ECONNREFUSED',
    });
    expect(during[1]).toMatchObject({ databaseId: 'catalog', seq: 2 });
    expect(after.map((b) => b.seq)).toEqual([2, 3]);
    expect(database('shop-orders').connects).toBe(2);
  });

  it('writes on a fresh connection when the server closed the kept one (a reboot, a replaced instance)', async () => {
    // Prepare
    const { deps, database } = fakeWorld();
    await beatOnce(deps);
    database('shop-orders').restart();

    // Act
    const beats = await beatOnce(deps);

    // Assess
    expect(beats.map((b) => b.seq)).toEqual([2, 2]);
    expect(database('shop-orders').connects).toBe(2);
    expect(database('shop-catalog').connects).toBe(1);
  });

  it('names a bad credentials secret without echoing it, and a missing instance', async () => {
    // Prepare
    const { deps } = fakeWorld();
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: '{"user":"x","pass":"hunter2"}' });

    // Act
    const beats = await beatOnce(deps);

    // Assess
    expect(beats[0]?.error).toContain('secret drctl/shop/orders/canary is not an RDS credentials JSON');
    expect(beats[0]?.error).not.toContain('hunter2');
    expect(rdsMock.calls().length).toBeGreaterThan(0);
  });
});

describe('canary read', () => {
  it('answers the last heartbeat, or the last at or before a time, as ISO UTC', async () => {
    // Prepare
    let now = new Date('2026-03-01T03:00:00.000Z');
    const { deps } = fakeWorld({ clock: () => now });
    await beatOnce(deps);
    now = new Date('2026-03-01T03:00:05.250Z');
    await beatOnce(deps);

    // Act
    const output = await readHeartbeats(deps, 'writer', {
      op: 'read',
      targets: [
        { databaseId: 'orders', instanceIdentifier: 'shop-orders' },
        { databaseId: 'catalog', instanceIdentifier: 'shop-catalog', before: '2026-03-01T03:00:04.000Z' },
      ],
    });

    // Assess
    expect(output.heartbeats).toEqual([
      {
        databaseId: 'orders',
        instanceIdentifier: 'shop-orders',
        seq: 2,
        writtenAt: '2026-03-01T03:00:05.250Z',
      },
      {
        databaseId: 'catalog',
        instanceIdentifier: 'shop-catalog',
        seq: 1,
        writtenAt: '2026-03-01T03:00:00.000Z',
      },
    ]);
  });

  it('the reader reads drill copies only, the writer primaries only: anything else is refused before a call', async () => {
    // Prepare
    const { deps } = fakeWorld();
    const read = (role: 'writer' | 'reader', instanceIdentifier: string) =>
      rejection(
        readHeartbeats(deps, role, { op: 'read', targets: [{ databaseId: 'orders', instanceIdentifier }] }),
      );

    // Act
    const readerOnReplica = await read('reader', 'shop-orders-replica');
    const readerOnPrimary = await read('reader', 'shop-orders');
    const writerOnCopy = await read('writer', 'shop-orders-replica-drill');

    // Assess
    for (const error of [readerOnReplica, readerOnPrimary, writerOnCopy]) {
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).toBe('targets[0].instanceIdentifier');
    }
    expect(readerOnReplica.message).toContain('the reader reads drill copies only');
    expect(rdsMock.calls()).toHaveLength(0);
    expect(secretsMock.calls()).toHaveLength(0);
  });

  it('reports a copy the canary never wrote to as an error with null figures, never zero', async () => {
    // Prepare
    const { deps } = fakeWorld();

    // Act
    const output = await readHeartbeats(deps, 'reader', {
      op: 'read',
      targets: [{ databaseId: 'orders', instanceIdentifier: 'shop-orders-replica-drill' }],
    });

    // Assess
    expect(output.heartbeats[0]).toMatchObject({ seq: null, writtenAt: null });
    expect(output.heartbeats[0]?.error).toContain('no heartbeat table on shop-orders-replica-drill');
  });
});

describe('canary routing and the write loop', () => {
  it('beats every intervalSeconds for about 55 s, paced from the start, and stops before the invocation runs out', async () => {
    // Prepare
    let clock = Date.parse('2026-03-01T03:00:00.000Z');
    const { deps } = fakeWorld({ clock: () => new Date(clock) });
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    };

    // Act
    const full = await writeForAMinute(deps, { intervalSeconds: 5, remainingMs: () => 60_000, sleep });
    const short = await writeForAMinute(deps, { intervalSeconds: 5, remainingMs: () => 14_000, sleep });

    // Assess
    expect(full.beats).toBe(11);
    expect(full.lastSeq).toEqual({ orders: 11, catalog: 11 });
    expect(full.failures).toEqual({});
    expect(sleeps.slice(0, 10)).toEqual(Array(10).fill(5_000));
    expect(short.beats).toBe(3);
  });

  it('routes a read to the read op, a scheduled event to the writer loop, and refuses the rest', async () => {
    // Prepare
    const { deps } = fakeWorld();
    const off = fakeWorld({
      plan: { ...plan, drills: { ...plan.drills, canary: { enabled: false, intervalSeconds: 5 } } },
    });
    const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event' };

    // Act
    const unknownOp = await rejection(runCanary(deps, 'writer', { op: 'write' }, () => 60_000));
    const readerLoop = await rejection(runCanary(deps, 'reader', scheduled, () => 60_000));
    const disabled = await runCanary(off.deps, 'writer', scheduled, () => 60_000);
    const badRead = await rejection(runCanary(deps, 'reader', { op: 'read', targets: [] }, () => 60_000));

    // Assess
    expect(unknownOp).toBeInstanceOf(InvalidInputError);
    expect(unknownOp.message).toContain('"write" is not an op of the canary');
    expect(readerLoop.message).toContain('the reader only reads');
    expect(disabled).toEqual({ skipped: 'the write canary is off (drills.canary.enabled: false)' });
    expect(badRead).toBeInstanceOf(InvalidInputError);
    expect(rdsMock.calls()).toHaveLength(0);
  });

  it('tells its role from its function name, reads its settings once and refuses a bad one, and turns TLS off only when the world says so', () => {
    // Act
    const unknown = () => canaryRole(plan, 'shop-something', null);
    const typo = () => readCanarySettings({ DRCTL_CANARY_ROLE: 'writter' });

    // Assess
    expect(canaryRole(plan, 'shop-canary', null)).toBe('writer');
    expect(canaryRole(plan, 'shop-canary-reader', 'writer')).toBe('reader');
    expect(canaryRole(plan, 'other', 'reader')).toBe('reader');
    expect(unknown).toThrow(ConfigurationError);
    expect(typo).toThrow('DRCTL_CANARY_ROLE is "writter"');
    expect(readCanarySettings({})).toEqual({ configuredRole: null, tls: true });
    expect(readCanarySettings({ DRCTL_CANARY_ROLE: 'reader', DRCTL_DB_TLS: 'disabled' })).toEqual({
      configuredRole: 'reader',
      tls: false,
    });
    expect(databaseTls({ DRCTL_DB_TLS: 'false' })).toBe(true);
  });

  it('puts only digits and separators into a statement, and reads the drivers’ timestamps as UTC', () => {
    // Assess
    expect(sqlTimestamp(new Date('2026-03-01T03:00:05.250Z'))).toBe('2026-03-01 03:00:05.250');
    expect(() => sqlTimestamp(new Date('nonsense'))).toThrow(RangeError);
    expect(isoFromSql('2026-03-01 03:00:05.25')).toBe('2026-03-01T03:00:05.250Z');
    expect(isoFromSql('2026-03-01 03:00:05+00')).toBe('2026-03-01T03:00:05.000Z');
    expect(isoFromSql(new Date('2026-03-01T03:00:05.250Z'))).toBe('2026-03-01T03:00:05.250Z');
    expect(isoFromSql("2026-03-01'; DROP TABLE x")).toBeNull();
  });
});
