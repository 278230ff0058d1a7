import type { RowDataPacket } from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { serverRsaKeys } from '../../../../local/mysql/auth-crypto.ts';
import { HeartbeatTable } from '../../../../local/mysql/heartbeat-table.ts';
import { Session } from '../../../../local/mysql/session.ts';
import { fixedUsers } from '../../../../local/mysql/users.ts';
import { createRandom, type Random } from '../../../../local/rng.ts';
import { type EndpointFixture, openEndpoint, SQL, START } from './endpoint-fixture.ts';
import {
  frameHeader,
  handshakeResponse,
  MODERN,
  nativeToken,
  parseGreeting,
  RawClient,
} from './raw-client.ts';

let world: EndpointFixture;
afterEach(async () => {
  await world?.close();
});

const SEED = 20260301;
/** Wall-clock budget of each fuzz loop; the counts are the usual bound. */
const BUDGET_MS = 1_200;

const integer = (random: Random, below: number) => Math.floor(random.next() * below);
const bytes = (random: Random, length: number) =>
  Buffer.from(Array.from({ length }, () => integer(random, 256)));

/** The canary's statements in random case and spacing, or pieces of them cut, shuffled and spiced. */
function statementText(random: Random): string {
  const statements = [
    ...Object.values(SQL).filter((value) => typeof value === 'string'),
    SQL.lastBefore('2026-03-01 03:00:00'),
  ];
  if (random.chance(0.4)) {
    const chosen = statements[integer(random, statements.length)] ?? '';
    return [...chosen]
      .map((char) => (random.chance(0.5) ? char.toUpperCase() : char.toLowerCase()))
      .join('')
      .replace(/ /g, () => (random.chance(0.3) ? ' \t\n ' : ' '));
  }
  const pieces = statements.flatMap((sql) => sql.split(' '));
  const words = Array.from(
    { length: 1 + integer(random, 12) },
    () => pieces[integer(random, pieces.length)] ?? '',
  );
  const text = words.join(random.chance(0.5) ? ' ' : '\t\n ');
  return random.chance(0.3) ? `${text}${bytes(random, integer(random, 8)).toString('latin1')}` : text;
}

/** A mutation of a valid HandshakeResponse41: flipped bytes, truncation or extension. */
function mutatedResponse(random: Random, nonce: Buffer): Buffer {
  const valid = handshakeResponse({
    capabilities: MODERN,
    user: 'legacy',
    token: nativeToken('legacy-secret', nonce),
    plugin: 'mysql_native_password',
  });
  const mutated = Buffer.from(valid);
  for (let flips = integer(random, 4); flips > 0; flips--)
    mutated[integer(random, mutated.length)] = integer(random, 256);
  if (random.chance(0.3)) return mutated.subarray(0, integer(random, mutated.length));
  if (random.chance(0.2)) return Buffer.concat([mutated, bytes(random, integer(random, 40))]);
  return mutated;
}

/** Every frame the server writes is a whole packet; every ERR carries '#' and a 5-character SQLSTATE. */
function assertWellFormed(frames: Buffer[]): void {
  for (const frame of frames) {
    expect(frame.length).toBeGreaterThanOrEqual(4);
    expect(frame.readUIntLE(0, 3)).toBe(frame.length - 4);
    if (frame[4] === 0xff) {
      expect(frame.toString('latin1', 7, 8)).toBe('#');
      expect(frame.toString('latin1', 8, 13)).toMatch(/^[0-9A-Z]{5}$/);
    }
  }
}

describe('malformed input never takes the endpoint down (seeded fuzz)', () => {
  it('answers random packets in every phase of a session with well-formed packets, without throwing', async () => {
    // Prepare
    const random = createRandom(SEED);
    const rsa = await serverRsaKeys();
    const store = new HeartbeatTable();
    store.ensureSchema(START);
    store.ensureTable(START);
    const started = performance.now();
    let sessions = 0;
    let packets = 0;

    // Act
    while (sessions < 3_000 && performance.now() - started < BUDGET_MS) {
      sessions++;
      const nonce = Buffer.from('abcdefghijklmnopqrst');
      const session = new Session({
        connectionId: sessions,
        serverVersion: '8.4.3-drctl-world',
        defaultPlugin: random.chance(0.5) ? 'caching_sha2_password' : 'mysql_native_password',
        nonce,
        users: fixedUsers({
          legacy: { password: 'legacy-secret', plugin: 'mysql_native_password' },
          canary: 'x',
        }),
        store,
        clock: { now: () => START },
        serving: () => (random.chance(0.1) ? 'read-only' : 'up'),
        sha2Cache: new Map(),
        rsa,
        clientHost: '127.0.0.1',
        observe: () => {},
      });
      let sequenceId = 1;
      for (let step = 0; step < 6; step++) {
        const payload =
          step === 0
            ? mutatedResponse(random, nonce)
            : random.chance(0.5)
              ? Buffer.concat([
                  Buffer.from([[0x01, 0x02, 0x03, 0x0e][integer(random, 4)] ?? 0x03]),
                  Buffer.from(statementText(random)),
                ])
              : bytes(random, integer(random, 64));
        const output = session.receive({
          sequenceId: random.chance(0.1) ? integer(random, 256) : sequenceId,
          payload,
        });
        packets++;
        assertWellFormed(output.frames);
        if (output.next !== 'continue') break;
        sequenceId = 0;
      }
    }

    // Assess
    expect(sessions).toBeGreaterThan(200);
    expect(packets).toBeGreaterThan(sessions);
  });

  it('survives random bytes over TCP and then serves mysql2 as before', async () => {
    // Prepare
    world = await openEndpoint({ defaultAuthPlugin: 'mysql_native_password' });
    const random = createRandom(SEED + 1);
    const started = performance.now();
    let connections = 0;

    // Act
    while (connections < 150 && performance.now() - started < BUDGET_MS) {
      connections++;
      const client = await RawClient.open(world.endpoint.port);
      const greeting = await client.next();
      const nonce = greeting ? parseGreeting(greeting.payload).nonce : Buffer.alloc(20);
      const response = mutatedResponse(random, nonce);
      const chunks = [
        bytes(random, integer(random, 200)),
        Buffer.concat([
          frameHeader(integer(random, 300), integer(random, 4)),
          bytes(random, integer(random, 300)),
        ]),
        Buffer.concat([frameHeader(response.length, 1), response]),
      ];
      client.write(chunks[integer(random, chunks.length)] ?? Buffer.alloc(0));
      client.end();
      await client.closed;
    }
    const connection = await world.connect('legacy', 'legacy-secret');
    await connection.query(SQL.createSchema);
    const [rows] = await connection.query<RowDataPacket[]>(SQL.ping);

    // Assess
    expect(connections).toBeGreaterThan(20);
    expect(rows).toEqual([{ 1: 1 }]);
    expect(world.endpoint.openConnections).toBe(1);
  });
});
