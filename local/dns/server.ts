import { createSocket, type Socket } from 'node:dgram';
import { MalformedQuery, type Query, RCODE, type Response, readQuery, writeResponse } from './wire.ts';

/**
 * The world's DNS server: UDP on 127.0.0.1, opened once per process like the HTTP endpoints
 * (the in-process handlers read its address from DRCTL_DNS_RESOLVER once, at import) and serving
 * whichever world is attached. Without a world it answers SERVFAIL. A message that is not a
 * query is dropped; a query it cannot parse gets FORMERR (RFC 1035 section 4.1.1). The socket is
 * unref'd: it never keeps the process alive.
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

export async function openDnsServer(): Promise<DnsServer> {
  const socket: Socket = createSocket('udp4');
  let answerer: DnsAnswerer | undefined;
  socket.on('message', (message, peer) => {
    const reply = respond(message, answerer);
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  // A send to a client that went away must not take the process down.
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.unref();
  const { port } = socket.address();
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    attach(next) {
      if (answerer) throw new Error('a local world is already attached to the DNS server; close it first');
      answerer = next;
      return () => {
        answerer = undefined;
      };
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function respond(message: Buffer, answerer: DnsAnswerer | undefined): Buffer | undefined {
  let query: Query;
  try {
    query = readQuery(message);
  } catch (error) {
    const id = error instanceof MalformedQuery ? error.id : undefined;
    if (id === undefined) return undefined;
    return writeResponse(
      { id, opcode: 0, recursionDesired: false, ednsUdpSize: undefined },
      { rcode: RCODE.FORMERR, authoritative: false, answers: [], authority: [] },
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
  return writeResponse(query, response);
}
