import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_VERSION } from '../../../../local/mysql/endpoint.ts';
import { type EndpointFixture, openEndpoint, START } from './endpoint-fixture.ts';
import {
  authenticatedClient,
  FLAG,
  frameHeader,
  handshakeResponse,
  MODERN,
  nativeToken,
  parseError,
  parseGreeting,
  RawClient,
} from './raw-client.ts';

let world: EndpointFixture;
afterEach(async () => {
  await world?.close();
});

const command = (code: number, text = '') => Buffer.concat([Buffer.from([code]), Buffer.from(text)]);

async function greeted(fixture: EndpointFixture) {
  const client = await RawClient.open(fixture.endpoint.port);
  const greeting = await client.next();
  if (!greeting) throw new Error('no greeting');
  return { client, greeting: parseGreeting(greeting.payload), seq: greeting.seq };
}

describe('the endpoint on the wire', () => {
  it('greets with HandshakeV10: MySQL 8.4, a 20-byte scramble without NUL, 4.1 auth with plugins and no TLS', async () => {
    // Prepare
    world = await openEndpoint();

    // Act
    const { client, greeting, seq } = await greeted(world);
    const second = await greeted(world);
    client.destroy();
    second.client.destroy();

    // Assess
    expect(seq).toBe(0);
    expect(greeting.protocol).toBe(10);
    expect(greeting.serverVersion).toBe(DEFAULT_SERVER_VERSION);
    expect(greeting.serverVersion.startsWith('8.4.')).toBe(true);
    expect(greeting.nonce).toHaveLength(20);
    expect(greeting.nonce.includes(0)).toBe(false);
    expect(second.greeting.nonce.equals(greeting.nonce)).toBe(false);
    expect(second.greeting.connectionId).toBe(greeting.connectionId + 1);
    for (const flag of [FLAG.PROTOCOL_41, FLAG.SECURE_CONNECTION, FLAG.PLUGIN_AUTH]) {
      expect(greeting.capabilities & flag).toBe(flag);
    }
    expect(greeting.capabilities & FLAG.SSL).toBe(0);
    expect(greeting.authPlugin).toBe('caching_sha2_password');
  });

  it('refuses an SSLRequest with 1043, naming TLS, and closes', async () => {
    // Prepare
    world = await openEndpoint();
    const { client } = await greeted(world);
    const sslRequest = handshakeResponse({
      capabilities: MODERN | FLAG.SSL,
      user: '',
      token: Buffer.alloc(0),
    });

    // Act
    client.send(1, sslRequest.subarray(0, 32));
    const answer = await client.next();
    await client.closed;

    // Assess
    expect(answer?.seq).toBe(2);
    const [errno, sqlState, message] = parseError(answer?.payload ?? Buffer.alloc(0));
    expect([errno, sqlState]).toEqual([1043, '08S01']);
    expect(message).toContain('TLS');
  });

  it('refuses a pre-4.1 client with 1043', async () => {
    // Prepare
    world = await openEndpoint();
    const { client } = await greeted(world);

    // Act
    // HandshakeResponse320: 2-byte flags (LONG_PASSWORD | LONG_FLAG), 3-byte max packet, user.
    client.send(1, Buffer.concat([Buffer.from([0x05, 0x00, 0x00, 0x00, 0x01]), Buffer.from('root\0')]));
    const answer = await client.next();

    // Assess
    expect(parseError(answer?.payload ?? Buffer.alloc(0))[0]).toBe(1043);
  });

  it('refuses a client without plugin auth for a caching_sha2_password account (1251), accepts it for a native one', async () => {
    // Prepare
    world = await openEndpoint();
    const old = FLAG.LONG_PASSWORD | FLAG.PROTOCOL_41 | FLAG.SECURE_CONNECTION;
    const sha2 = await greeted(world);
    const native = await greeted(world);

    // Act
    sha2.client.send(
      1,
      handshakeResponse({ capabilities: old, user: 'drctl_canary', token: Buffer.alloc(20, 1) }),
    );
    native.client.send(
      1,
      handshakeResponse({
        capabilities: old,
        user: 'legacy',
        token: nativeToken('legacy-secret', native.greeting.nonce),
      }),
    );
    const refused = await sha2.client.next();
    const accepted = await native.client.next();
    native.client.destroy();

    // Assess
    expect(parseError(refused?.payload ?? Buffer.alloc(0)).slice(0, 2)).toEqual([1251, '08004']);
    expect(accepted?.payload[0]).toBe(0x00);
    expect(accepted?.seq).toBe(2);
  });

  it('refuses packets out of order (1156) and payloads over the bound (1153), closing the connection', async () => {
    // Prepare
    world = await openEndpoint();
    const outOfOrder = await greeted(world);
    const tooLarge = await greeted(world);

    // Act
    outOfOrder.client.send(5, handshakeResponse({ capabilities: MODERN, user: 'x', token: Buffer.alloc(0) }));
    tooLarge.client.write(Buffer.concat([frameHeader(0x100000, 1), Buffer.alloc(1024)]));
    const [order, size] = await Promise.all([outOfOrder.client.next(), tooLarge.client.next()]);
    await Promise.all([outOfOrder.client.closed, tooLarge.client.closed]);

    // Assess
    expect(parseError(order?.payload ?? Buffer.alloc(0))[0]).toBe(1156);
    expect(parseError(size?.payload ?? Buffer.alloc(0)).slice(0, 2)).toEqual([1153, '08S01']);
    expect(world.endpoint.openConnections).toBe(0);
  });

  it('answers COM_INIT_DB (1049 until the canary schema exists), COM_PING, unknown commands (1047) and COM_QUIT', async () => {
    // Prepare
    world = await openEndpoint({ defaultAuthPlugin: 'mysql_native_password' });
    const client = await authenticatedClient(world.endpoint.port, 'legacy', 'legacy-secret');

    // Act
    client.send(0, command(0x02, 'drctl_canary'));
    const before = await client.next();
    world.store.ensureSchema(START);
    world.store.ensureTable(START);
    client.send(0, command(0x02, 'drctl_canary'));
    const after = await client.next();
    client.send(0, command(0x03, 'INSERT INTO heartbeat (written_at) VALUES (NOW(3))'));
    const unqualifiedInsert = await client.next();
    client.send(0, command(0x0e));
    const ping = await client.next();
    client.send(0, command(0x09));
    const statistics = await client.next();
    client.send(0, command(0x01));
    const quit = await client.next();

    // Assess
    expect(parseError(before?.payload ?? Buffer.alloc(0)).slice(0, 3)).toEqual([
      1049,
      '42000',
      "Unknown database 'drctl_canary'",
    ]);
    expect([after?.seq, after?.payload[0]]).toEqual([1, 0x00]);
    expect(unqualifiedInsert?.payload[0]).toBe(0x00);
    expect(world.store.last()).toEqual({ seq: 1, writtenAt: START });
    expect(ping?.payload[0]).toBe(0x00);
    expect(parseError(statistics?.payload ?? Buffer.alloc(0)).slice(0, 2)).toEqual([1047, '08S01']);
    expect(quit).toBeUndefined();
  });

  it('answers a command that does not start at sequence id 0 with 1156 and closes', async () => {
    // Prepare
    world = await openEndpoint({ defaultAuthPlugin: 'mysql_native_password' });
    const client = await authenticatedClient(world.endpoint.port, 'legacy', 'legacy-secret');

    // Act
    client.send(3, command(0x0e));
    const answer = await client.next();
    await client.closed;

    // Assess
    expect([answer?.seq, parseError(answer?.payload ?? Buffer.alloc(0))[0]]).toEqual([4, 1156]);
  });
});
