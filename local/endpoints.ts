import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DnsAnswerer, type DnsServer, openDnsServer } from './dns/server.ts';
import { invocationMarkOf } from './protocol/caller.ts';

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
  /** Serves one world (its id: stepfunctions/invocation-marks.ts) until the returned detach is called. */
  attach(delegates: {
    world: string;
    aws: Listener;
    app: (role: AppRole) => Listener;
    dns: DnsAnswerer;
  }): () => void;
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

/**
 * A request from an invocation of a world that is not the one attached (`running`, or none): a
 * world closed earlier in this process whose handler was still running, between retries or on to
 * its next check. It is not the running world's to answer (it would be counted, logged and could
 * change that world's state), so it is refused with a client error, which the SDK does not retry:
 * the stale invocation ends at once.
 */
function refusedAsStale(req: IncomingMessage, res: ServerResponse, running: string | undefined): boolean {
  const mark = invocationMarkOf(req);
  if (mark === undefined || mark.world === running) return false;
  req.resume();
  res.writeHead(400, { 'content-type': 'text/plain' });
  res.end(
    `this request comes from an invocation of a local world that was closed (${mark.world}); ${running === undefined ? 'no world is running' : `the running world (${running}) does not answer it`}`,
  );
  return true;
}

async function open(): Promise<Endpoints> {
  let world: string | undefined;
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
  const serve =
    (listener: () => Listener | undefined): Listener =>
    (req, res) => {
      if (refusedAsStale(req, res, world)) return;
      (listener() ?? unavailable)(req, res);
    };
  const awsUrl = await listen(serve(() => aws));
  const primary = await listen(serve(() => app?.('primary')));
  const dr = await listen(serve(() => app?.('dr')));
  const dns = await openDnsServer();
  dnsServer = dns;
  return {
    awsUrl,
    appUrls: { primary: `${primary}/health`, dr: `${dr}/health` },
    dnsAddress: dns.address,
    attach(delegates) {
      if (aws) throw new Error('a local world is already running in this process; close it first');
      world = delegates.world;
      aws = delegates.aws;
      app = delegates.app;
      const detachDns = dns.attach(delegates.dns);
      return () => {
        world = undefined;
        aws = undefined;
        app = undefined;
        detachDns();
      };
    },
  };
}
