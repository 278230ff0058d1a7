import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { MalformedQuery, type Query, RCODE, type Response, readQuery, writeResponse } from './wire.ts';

/**
 * The world's DNS server on 127.0.0.1, UDP and TCP on one port (an authoritative server answers
 * both: RFC 7766), opened once per process like the HTTP endpoints (the in-process handlers read
 * its address from DRCTL_DNS_RESOLVER once, at import) and serving whichever world is attached.
 * Without a world it answers SERVFAIL. A message that is not a query is dropped; a query it
 * cannot parse gets FORMERR (RFC 1035 section 4.1.1). The sockets are unref'd: they never keep
 * the process alive.
 */
export type DnsAnswerer = (query: Query) => Response;

export interface DnsServer {
  host: string;
  port: number;
  /** `host:port`, the form of DRCTL_DNS_RESOLVER and of node:dns `Resolver.setServers`. */
  address: string;
  attach(answerer: DnsAnswerer): () => void;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** Tries to find a port free for both UDP and TCP. */
const PORT_ATTEMPTS = 10;

export async function openDnsServer(): Promise<DnsServer> {
  let answerer: DnsAnswerer | undefined;
  const answer = (message: Buffer, transport: 'udp' | 'tcp') => respond(message, answerer, transport);
  const { udp, tcp, port } = await bindBoth(answer);
  return {
    host: HOST,
    port,
    address: `${HOST}:${port}`,
    attach(next) {
      if (answerer) throw new Error('a local world is already attached to the DNS server; close it first');
      answerer = next;
      return () => {
        answerer = undefined;
      };
    },
    close: () =>
      Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]).then(() => undefined),
  };
}

async function bindBoth(
  answer: (message: Buffer, transport: 'udp' | 'tcp') => Buffer | undefined,
): Promise<{ udp: Socket; tcp: Server; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const udp = createSocket('udp4');
    udp.on('message', (message, peer) => {
      const reply = answer(message, 'udp');
      if (reply) udp.send(reply, peer.port, peer.address);
    });
    // A send to a client that went away must not take the process down.
    udp.on('error', () => {});
    await new Promise<void>((resolve) => udp.bind(0, HOST, resolve));
    const { port } = udp.address();
    const tcp = createServer((connection) => serveTcp(connection, answer));
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, HOST, () => resolve());
      });
    } catch (error) {
      udp.close();
      if (attempt >= PORT_ATTEMPTS) throw error;
      continue;
    }
    udp.unref();
    tcp.unref();
    return { udp, tcp, port };
  }
}

/** DNS over TCP: each message has a two-octet length prefix (RFC 1035 section 4.2.2). */
function serveTcp(
  connection: import('node:net').Socket,
  answer: (message: Buffer, transport: 'udp' | 'tcp') => Buffer | undefined,
): void {
  let pending = Buffer.alloc(0);
  connection.on('error', () => {});
  connection.setTimeout(10_000, () => connection.destroy());
  connection.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (pending.length < 2 + length) return;
      const message = pending.subarray(2, 2 + length);
      pending = pending.subarray(2 + length);
      const reply = answer(message, 'tcp');
      if (!reply) continue;
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(reply.length, 0);
      connection.write(Buffer.concat([prefix, reply]));
    }
  });
}

function respond(
  message: Buffer,
  answerer: DnsAnswerer | undefined,
  transport: 'udp' | 'tcp',
): Buffer | undefined {
  let query: Query;
  try {
    query = readQuery(message);
  } catch (error) {
    const id = error instanceof MalformedQuery ? error.id : undefined;
    if (id === undefined) return undefined;
    return writeResponse(
      { id, opcode: 0, recursionDesired: false, ednsUdpSize: undefined },
      { rcode: RCODE.FORMERR, authoritative: false, answers: [], authority: [] },
      transport,
    );
  }
  let response: Response;
  try {
    response = answerer
      ? answerer(query)
      : { rcode: RCODE.SERVFAIL, authoritative: false, answers: [], authority: [] };
  } catch {
    response = { rcode: RCODE.SERVFAIL, authoritative: false, answers: [], authority: [] };
  }
  return writeResponse(query, response, transport);
}
