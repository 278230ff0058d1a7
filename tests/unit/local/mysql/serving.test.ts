import type { RowDataPacket } from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreReadOnlyError } from '../../../../local/mysql/errors.ts';
import { HeartbeatTable } from '../../../../local/mysql/heartbeat-table.ts';
import { type EndpointFixture, openEndpoint, rejection, SQL, START } from './endpoint-fixture.ts';

let world: EndpointFixture;
afterEach(async () => {
  await world?.close();
});

const READ_ONLY =
  'The MySQL server is running with the --read-only option so it cannot execute this statement';

describe('what the instance state does to the endpoint', () => {
  it('refuses every write on a read-only instance (replica, or read_only=1) with 1290 and still answers reads', async () => {
    // Prepare
    world = await openEndpoint();
    const connection = await world.connect('drctl_canary', 'canary-secret');
    await connection.query(SQL.createSchema);
    await connection.query(SQL.createTable);
    await connection.query(SQL.insert);
    world.serving = 'read-only';

    // Act
    const insert = await rejection(connection.query(SQL.insert));
    const schema = await rejection(connection.query(SQL.createSchema));
    const table = await rejection(connection.query(SQL.createTable));
    const [rows] = await connection.query<RowDataPacket[]>(SQL.last);

    // Assess
    expect([insert.errno, insert.code, insert.sqlState, insert.message]).toEqual([
      1290,
      'ER_OPTION_PREVENTS_STATEMENT',
      'HY000',
      READ_ONLY,
    ]);
    expect([schema.errno, table.errno]).toEqual([1290, 1290]);
    expect(rows).toEqual([{ seq: 1, written_at: new Date(START) }]);
    expect(world.store.last()?.seq).toBe(1);
  });

  it("answers 1290 when the store refuses the write itself (the RDS model's typed read-only error)", async () => {
    // Prepare
    const store = new HeartbeatTable();
    store.ensureSchema(START);
    store.ensureTable(START);
    store.insert = () => {
      throw new StoreReadOnlyError();
    };
    world = await openEndpoint({ store });
    const connection = await world.connect('drctl_canary', 'canary-secret');

    // Act
    const insert = await rejection(connection.query(SQL.insert));

    // Assess
    expect([insert.errno, insert.message]).toEqual([1290, READ_ONLY]);
  });

  it('answers a store fault with 1105 and keeps serving', async () => {
    // Prepare
    const store = new HeartbeatTable();
    store.last = () => {
      throw new Error('replication state lost');
    };
    store.ensureSchema(START);
    store.ensureTable(START);
    world = await openEndpoint({ store });
    const connection = await world.connect('drctl_canary', 'canary-secret');

    // Act
    const read = await rejection(connection.query(SQL.last));
    const [rows] = await connection.query<RowDataPacket[]>(SQL.ping);

    // Assess
    expect([read.errno, read.message]).toEqual([1105, 'Unknown error: replication state lost']);
    expect(rows).toEqual([{ 1: 1 }]);
  });

  it('resets new connections while the instance is down, and serves again once it is up', async () => {
    // Prepare
    world = await openEndpoint();
    world.serving = 'down';

    // Act
    const refused = await rejection(world.connect('drctl_canary', 'canary-secret'));
    world.serving = 'up';
    const connection = await world.connect('drctl_canary', 'canary-secret');

    // Assess
    expect(['ECONNRESET', 'PROTOCOL_CONNECTION_LOST']).toContain(refused.code);
    expect(world.events.filter((event) => event.type === 'connection-refused')).toHaveLength(1);
    expect(connection).toBeDefined();
  });

  it('drops an open connection at its next statement once the instance is down', async () => {
    // Prepare
    world = await openEndpoint();
    const connection = await world.connect('drctl_canary', 'canary-secret');
    world.serving = 'down';

    // Act
    const lost = await rejection(connection.query(SQL.ping));

    // Assess
    expect(['ECONNRESET', 'PROTOCOL_CONNECTION_LOST']).toContain(lost.code);
    expect(world.endpoint.openConnections).toBe(0);
  });

  it('drops idle connections when told the instance went down (dropIfDown), and only then', async () => {
    // Prepare
    world = await openEndpoint();
    const idle = await world.connect('drctl_canary', 'canary-secret');
    const lostConnection = new Promise<NodeJS.ErrnoException>((resolve) => idle.on('error', resolve));
    world.endpoint.dropIfDown();
    const stillOpen = world.endpoint.openConnections;
    world.serving = 'down';

    // Act
    world.endpoint.dropIfDown();
    const error = await lostConnection;

    // Assess
    expect(stillOpen).toBe(1);
    expect(world.endpoint.openConnections).toBe(0);
    expect(['ECONNRESET', 'PROTOCOL_CONNECTION_LOST']).toContain(error.code);
    expect(world.events.filter((event) => event.type === 'connection-dropped')).toHaveLength(1);
  });
});
