import type { FieldPacket, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { HeartbeatTable } from '../../../../local/mysql/heartbeat-table.ts';
import { type EndpointFixture, openEndpoint, rejection, SQL, START } from './endpoint-fixture.ts';

let world: EndpointFixture;
afterEach(async () => {
  await world?.close();
});

async function canaryReady(fixture: EndpointFixture) {
  const connection = await fixture.connect('drctl_canary', 'canary-secret');
  await connection.query(SQL.utc);
  await connection.query(SQL.createSchema);
  await connection.query(SQL.createTable);
  return connection;
}

describe('the canary through mysql2 (default options)', () => {
  it('creates its table, writes heartbeats at NOW(3) and reads the last one back', async () => {
    // Prepare
    world = await openEndpoint();
    const connection = await canaryReady(world);

    // Act
    const inserts: ResultSetHeader[] = [];
    for (let beat = 0; beat < 3; beat++) {
      const [result] = await connection.query<ResultSetHeader>(SQL.insert);
      inserts.push(result);
      world.clock.at += 5_000;
    }
    const [rows, fields] = await connection.query<RowDataPacket[]>(SQL.last);

    // Assess
    expect(inserts.map((r) => [r.affectedRows, r.insertId])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
    expect(rows).toEqual([{ seq: 3, written_at: new Date(START + 10_000) }]);
    expect((fields as FieldPacket[]).map((f) => [f.name, f.columnType, f.decimals])).toEqual([
      ['seq', 8, 0],
      ['written_at', 7, 3],
    ]);
    expect(world.store.last()).toEqual({ seq: 3, writtenAt: START + 10_000 });
  });

  it("answers the drill's read: the last heartbeat written at or before a UTC literal", async () => {
    // Prepare
    world = await openEndpoint();
    const connection = await canaryReady(world);
    for (let beat = 0; beat < 4; beat++) {
      await connection.query(SQL.insert);
      world.clock.at += 5_000;
    }

    // Act
    const [exact] = await connection.query<RowDataPacket[]>(SQL.lastBefore('2026-03-01 03:00:05.250'));
    const [between] = await connection.query<RowDataPacket[]>(SQL.lastBefore('2026-03-01 03:00:14.999'));
    const [before] = await connection.query<RowDataPacket[]>(SQL.lastBefore('2026-03-01 03:00:00.249'));

    // Assess
    expect(exact).toEqual([{ seq: 2, written_at: new Date(START + 5_000) }]);
    expect(between).toEqual([{ seq: 3, written_at: new Date(START + 10_000) }]);
    expect(before).toEqual([]);
  });

  it('answers SELECT 1 and COM_PING', async () => {
    // Prepare
    world = await openEndpoint();
    const connection = await world.connect('drctl_canary', 'canary-secret');

    // Act
    const [rows] = await connection.query<RowDataPacket[]>(SQL.ping);
    await connection.ping();

    // Assess
    expect(rows).toEqual([{ 1: 1 }]);
  });

  it('counts an existing database or table as a warning, changing nothing, when created again', async () => {
    // Prepare
    world = await openEndpoint();
    const connection = await canaryReady(world);
    await connection.query(SQL.insert);

    // Act
    const [schema] = await connection.query<ResultSetHeader>(SQL.createSchema);
    const [table] = await connection.query<ResultSetHeader>(SQL.createTable);

    // Assess
    expect([schema.affectedRows, schema.warningStatus, table.warningStatus]).toEqual([0, 1, 1]);
    expect(world.store.last()?.seq).toBe(1);
  });

  it('answers 1049 while the schema is missing, 1146 while the table is, and no rows on an empty table', async () => {
    // Prepare
    world = await openEndpoint();
    const connection = await world.connect('drctl_canary', 'canary-secret');

    // Act
    const noSchema = await rejection(connection.query(SQL.last));
    const tableWithoutSchema = await rejection(connection.query(SQL.createTable));
    await connection.query(SQL.createSchema);
    const noTable = await rejection(connection.query(SQL.insert));
    await connection.query(SQL.createTable);
    const [empty] = await connection.query<RowDataPacket[]>(SQL.last);

    // Assess
    expect([noSchema.errno, noSchema.code, noSchema.sqlState, noSchema.message]).toEqual([
      1049,
      'ER_BAD_DB_ERROR',
      '42000',
      "Unknown database 'drctl_canary'",
    ]);
    expect(tableWithoutSchema.errno).toBe(1049);
    expect([noTable.errno, noTable.code, noTable.sqlState, noTable.message]).toEqual([
      1146,
      'ER_NO_SUCH_TABLE',
      '42S02',
      "Table 'drctl_canary.heartbeat' doesn't exist",
    ]);
    expect(empty).toEqual([]);
  });

  it('takes the canary schema as the default database given at connect, for unqualified names', async () => {
    // Prepare
    world = await openEndpoint();
    await (await canaryReady(world)).query(SQL.insert);
    const unqualified = 'select seq, written_at from heartbeat order by seq desc limit 1';

    // Act
    const withDatabase = await world.connect('drctl_canary', 'canary-secret', { database: 'drctl_canary' });
    const [rows] = await withDatabase.query<RowDataPacket[]>(unqualified);
    const without = await world.connect('drctl_canary', 'canary-secret');
    const noDatabase = await rejection(without.query(unqualified));
    const unknown = await rejection(world.connect('drctl_canary', 'canary-secret', { database: 'shop' }));

    // Assess
    expect(rows).toEqual([{ seq: 1, written_at: new Date(START) }]);
    expect([noDatabase.errno, noDatabase.code]).toEqual([1046, 'ER_NO_DB_ERROR']);
    expect([unknown.errno, unknown.message]).toEqual([1049, "Unknown database 'shop'"]);
  });

  it('answers any other statement with 1064 naming its start, and keeps the connection', async () => {
    // Prepare
    world = await openEndpoint();
    const connection = await canaryReady(world);

    // Act
    const deletion = await rejection(connection.query('DELETE FROM drctl_canary.heartbeat WHERE seq < 10'));
    const otherZone = await rejection(connection.query("SET time_zone = 'Europe/Paris'"));
    const [rows] = await connection.query<RowDataPacket[]>(SQL.ping);

    // Assess
    expect([deletion.errno, deletion.code, deletion.sqlState]).toEqual([1064, 'ER_PARSE_ERROR', '42000']);
    expect(deletion.message).toContain("near 'DELETE FROM drctl_canary.heartbeat WHERE seq < 10' at line 1");
    expect(otherZone.errno).toBe(1064);
    expect(rows).toEqual([{ 1: 1 }]);
  });

  it('refuses prepared statements (mysql2 execute) with 1047, naming query() as the way', async () => {
    // Prepare
    world = await openEndpoint();
    const connection = await world.connect('drctl_canary', 'canary-secret');

    // Act
    const prepared = await rejection(connection.execute(SQL.ping));

    // Assess
    expect([prepared.errno, prepared.code]).toEqual([1047, 'ER_UNKNOWN_COM_ERROR']);
    expect(prepared.message).toContain('query()');
  });

  it('refuses an invalid time literal with 1525 rather than comparing it', async () => {
    // Prepare
    world = await openEndpoint();
    const connection = await canaryReady(world);

    // Act
    const invalid = await rejection(connection.query(SQL.lastBefore('2026-02-30 10:00:00.000')));

    // Assess
    expect([invalid.errno, invalid.message]).toEqual([
      1525,
      "Incorrect TIMESTAMP value: '2026-02-30 10:00:00.000'",
    ]);
  });

  it('keeps each instance its own: two endpoints on two stores', async () => {
    // Prepare
    world = await openEndpoint();
    const other = await openEndpoint({ store: new HeartbeatTable() });
    try {
      const first = await canaryReady(world);
      const second = await canaryReady(other);

      // Act
      await first.query(SQL.insert);
      await first.query(SQL.insert);
      await second.query(SQL.insert);

      // Assess
      expect(other.endpoint.port).not.toBe(world.endpoint.port);
      expect([world.store.last()?.seq, other.store.last()?.seq]).toEqual([2, 1]);
    } finally {
      await other.close();
    }
  });
});
