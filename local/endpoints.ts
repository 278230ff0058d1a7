import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DnsAnswerer, type DnsServer, openDnsServer } from './dns/server.ts';

/**
 * The loopback servers of the world: one AWS endpoint and one application endpoint per region
 * role (HTTP), and one DNS server (UDP) for the hosted zone. They live once per process and serve
 * whichever world is running; a request from an invocation of a world already closed carries
 * that world's mark and is refused (see stepfunctions/invocation-marks.ts). They are unref'd:
 * they never keep the process alive.
 */
export type Listener = (req: IncomingMessage, res: ServerResponse) => void;
export type AppRole = 'primary' | 'dr';

export interface Endpoints {
  awsUrl: string;
  appUrls: Record<AppRole, string>;
  /** The DNS server's `127.0.0.1:<port>`. */
  dnsAddress: string;
  attach(delegates: { aws: Listener; app: (role: AppRole) => Listener; dns: DnsAnswerer }): () => void;
}

let shared: Promise<Endpoints> | undefined;
const servers: Server[] = [];
let dnsServer: DnsServer | undefined;

export function sharedEndpoints(): Promise<Endpoints> {
  shared ??= open();
  return shared;
}

/** Closes the servers (the next world opens new ones, on new ports). */
export async function closeSharedEndpoints(): Promise<void> {
  shared = undefined;
  const closing = servers.splice(0).map(
    (server) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const dns = dnsServer;
  dnsServer = undefined;
  await Promise.all([...closing, dns?.close()]);
}

async function open(): Promise<Endpoints> {
  let aws: Listener | undefined;
  let app: ((role: AppRole) => Listener) | undefined;
  const unavailable: Listener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('no local world is running');
  };
  const listen = async (listener: Listener) => {
    const server = createServer(listener);
    // Node's default. A client's agent keeps an idle connection for the server's Keep-Alive
    // hint less one second (Agent#keepSocketAlive), so `timeout=1` made every call open a new
    // TCP connection: 433 connections for one drill's ~410 calls.
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.unref();
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const awsUrl = await listen((req, res) => (aws ?? unavailable)(req, res));
  const primary = await listen((req, res) => (app ? app('primary') : unavailable)(req, res));
  const dr = await listen((req, res) => (app ? app('dr') : unavailable)(req, res));
  const dns = await openDnsServer();
  dnsServer = dns;
  return {
    awsUrl,
    appUrls: { primary: `${primary}/health`, dr: `${dr}/health` },
    dnsAddress: dns.address,
    attach(delegates) {
      if (aws) throw new Error('a local world is already running in this process; close it first');
      aws = delegates.aws;
      app = delegates.app;
      const detachDns = dns.attach(delegates.dns);
      return () => {
        aws = undefined;
        app = undefined;
        detachDns();
      };
    },
  };
}
