import type { RowDataPacket } from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointEvent } from '../../../../local/mysql/events.ts';
import { type EndpointFixture, openEndpoint, rejection, SQL } from './endpoint-fixture.ts';

let world: EndpointFixture;
afterEach(async () => {
  await world?.close();
});

const paths = (events: EndpointEvent[]) =>
  events.flatMap((event) => (event.type === 'authenticated' ? [`${event.user}:${event.path}`] : []));

describe('authentication against the endpoint with the real mysql2 client', () => {
  it('runs caching_sha2_password: full authentication (RSA, no TLS) first, then the fast path', async () => {
    // Prepare
    world = await openEndpoint();

    // Act
    const first = await world.connect('drctl_canary', 'canary-secret');
    const second = await world.connect('drctl_canary', 'canary-secret');
    const [rows] = await second.query<RowDataPacket[]>(SQL.ping);

    // Assess
    expect(first).toBeDefined();
    expect(rows).toEqual([{ 1: 1 }]);
    expect(paths(world.events)).toEqual(['drctl_canary:sha2-full', 'drctl_canary:sha2-fast']);
  });

  it('switches a mysql_native_password account from the greeting plugin with an AuthSwitchRequest', async () => {
    // Prepare
    world = await openEndpoint();

    // Act
    const connection = await world.connect('legacy', 'legacy-secret');
    const [rows] = await connection.query<RowDataPacket[]>(SQL.ping);

    // Assess
    expect(rows).toEqual([{ 1: 1 }]);
    expect(paths(world.events)).toEqual(['legacy:native']);
  });

  it('authenticates natively without a switch when the endpoint greets with mysql_native_password', async () => {
    // Prepare
    world = await openEndpoint({ defaultAuthPlugin: 'mysql_native_password' });

    // Act
    const connection = await world.connect('drctl_canary', 'canary-secret');

    // Assess
    expect(connection).toBeDefined();
    expect(paths(world.events)).toEqual(['drctl_canary:native']);
  });

  it.each([
    ['caching_sha2_password', 'drctl_canary'],
    ['mysql_native_password', 'legacy'],
  ])('refuses a wrong password with 1045 (%s account)', async (_plugin, user) => {
    // Prepare
    world = await openEndpoint();

    // Act
    const denied = await rejection(world.connect(user, 'not-the-password'));

    // Assess
    expect([denied.errno, denied.code, denied.sqlState, denied.message]).toEqual([
      1045,
      'ER_ACCESS_DENIED_ERROR',
      '28000',
      `Access denied for user '${user}'@'127.0.0.1' (using password: YES)`,
    ]);
    expect(world.endpoint.openConnections).toBe(0);
  });

  it('refuses a wrong password on the fast path too, and an unknown user, and says when no password was sent', async () => {
    // Prepare
    world = await openEndpoint();
    await world.connect('drctl_canary', 'canary-secret');

    // Act
    const wrongAfterCache = await rejection(world.connect('drctl_canary', 'canary-secre'));
    const unknown = await rejection(world.connect('admin', 'canary-secret'));
    const empty = await rejection(world.connect('drctl_canary', ''));

    // Assess
    expect(wrongAfterCache.errno).toBe(1045);
    expect(unknown.message).toBe("Access denied for user 'admin'@'127.0.0.1' (using password: YES)");
    expect(empty.message).toBe("Access denied for user 'drctl_canary'@'127.0.0.1' (using password: NO)");
  });

  it('takes a changed password at the next connection and refuses the old one (the cache entry is flushed)', async () => {
    // Prepare
    world = await openEndpoint();
    await world.connect('drctl_canary', 'canary-secret');
    world.accounts.drctl_canary = { password: 'rotated-secret' };

    // Act
    const old = await rejection(world.connect('drctl_canary', 'canary-secret'));
    await world.connect('drctl_canary', 'rotated-secret');

    // Assess
    expect(old.errno).toBe(1045);
    expect(paths(world.events)).toEqual(['drctl_canary:sha2-full', 'drctl_canary:sha2-full']);
  });

  it('offers no TLS: a client that requires it fails before sending credentials', async () => {
    // Prepare
    world = await openEndpoint();

    // Act
    const refused = await rejection(world.connect('drctl_canary', 'canary-secret', { ssl: {} }));

    // Assess
    expect(refused.code).toBe('HANDSHAKE_NO_SSL_SUPPORT');
    expect(paths(world.events)).toEqual([]);
  });
});
