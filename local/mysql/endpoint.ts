import { createServer, type Server, type Socket } from 'node:net';
import { newNonce, serverRsaKeys } from './auth-crypto.ts';
import { packetTooLarge } from './errors.ts';
import type { EndpointObserver, Serving } from './events.ts';
import { PacketFramer } from './packets.ts';
import { Session, type SessionOutput } from './session.ts';
import type { HeartbeatStore } from './store.ts';
import type { AuthPlugin, MySqlUsers } from './users.ts';

/**
 * A MySQL wire-protocol endpoint for one simulated DB instance, on an ephemeral loopback port
 * (what DescribeDBInstances' Endpoint names in the world). It speaks the classic protocol
 * without TLS to the canary's statements (statements.ts) over the instance's heartbeat store.
 * `serving()` is read at each connection and each packet: 'down' (region out, instance not
 * available) resets new and open connections (the client sees ECONNRESET); 'read-only' (a read
 * replica, or read_only=1 from the fencing parameter group) answers writes with error 1290.
 * Nothing a client sends can throw out of the endpoint: a bad packet ends its connection only.
 */
export interface MySqlEndpointOptions {
  store: HeartbeatStore;
  users: MySqlUsers;
  /** NOW(3): simulated epoch ms. */
  clock: { now(): number };
  serving: () => Serving;
  /** The greeting's server version; MySQL 8.4 by default (MariaDB: e.g. '11.4.4-MariaDB-drctl-world'). */
  serverVersion?: string;
  /** The greeting's plugin and the plugin of accounts that name none (MySQL 8.4: caching_sha2_password). */
  defaultAuthPlugin?: AuthPlugin;
  observe?: EndpointObserver;
}

export interface MySqlEndpoint {
  host: '127.0.0.1';
  port: number;
  /** Connections open now (authenticated or not). */
  readonly openConnections: number;
  /** Resets every open connection if `serving()` now says 'down' (call when the instance's state changes). */
  dropIfDown(): void;
  close(): Promise<void>;
}

export const DEFAULT_SERVER_VERSION = '8.4.3-drctl-world';
const HOST = '127.0.0.1';

export async function startMySqlEndpoint(options: MySqlEndpointOptions): Promise<MySqlEndpoint> {
  const rsa = await serverRsaKeys();
  const observe = options.observe ?? (() => {});
  const sha2Cache = new Map<string, Buffer>();
  const sessions = new Map<Socket, Session>();
  let nextConnectionId = 1;

  const accept = (socket: Socket) => {
    // A client that goes away mid-write must not take the world's process down.
    socket.on('error', () => {});
    socket.unref();
    if (options.serving() === 'down') {
      observe({ type: 'connection-refused', serving: 'down' });
      socket.resetAndDestroy();
      return;
    }
    const session = new Session({
      connectionId: nextConnectionId++,
      serverVersion: options.serverVersion ?? DEFAULT_SERVER_VERSION,
      defaultPlugin: options.defaultAuthPlugin ?? 'caching_sha2_password',
      nonce: newNonce(),
      users: options.users,
      store: options.store,
      clock: options.clock,
      serving: options.serving,
      sha2Cache,
      rsa,
      clientHost: clientHost(socket),
      observe,
    });
    sessions.set(socket, session);
    socket.on('close', () => sessions.delete(socket));
    socket.setNoDelay(true);
    socket.write(session.greeting());
    serve(socket, session, () => sessions.delete(socket));
  };

  const server = createServer(accept);
  await listen(server);
  server.unref();
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the MySQL endpoint has no TCP address');

  return {
    host: HOST,
    port: address.port,
    get openConnections() {
      return sessions.size;
    },
    dropIfDown() {
      if (options.serving() !== 'down') return;
      for (const [socket, session] of sessions) apply(socket, session.drop());
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sessions.keys()) socket.destroy();
        sessions.clear();
        server.close(() => resolve());
      }),
  };
}

/** Feeds the socket's bytes to the session, one packet at a time, and carries out its answers. */
function serve(socket: Socket, session: Session, forget: () => void): void {
  const framer = new PacketFramer();
  let open = true;
  socket.on('data', (chunk: Buffer) => {
    if (!open) return;
    try {
      const { packets, oversized } = framer.push(chunk);
      for (const packet of packets) {
        open = apply(socket, session.receive(packet));
        if (!open) break;
      }
      if (open && oversized !== undefined) open = apply(socket, session.fail(packetTooLarge(), oversized));
    } catch {
      // A fault of ours: drop this connection, keep the endpoint.
      open = false;
      socket.destroy();
    }
    if (!open) forget();
  });
}

/** Writes the frames and does what the session asked; false once the connection is over. */
function apply(socket: Socket, output: SessionOutput): boolean {
  if (output.next === 'reset') {
    socket.resetAndDestroy();
    return false;
  }
  if (output.frames.length > 0 && socket.writable) socket.write(Buffer.concat(output.frames));
  if (output.next === 'end') {
    socket.end();
    return false;
  }
  return true;
}

function clientHost(socket: Socket): string {
  return (socket.remoteAddress ?? HOST).replace(/^::ffff:/, '');
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
