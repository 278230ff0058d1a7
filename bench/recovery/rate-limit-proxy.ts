import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RATE_LIMITS, type RateLimit } from './rate-limits.ts';
import { TokenBucket } from './token-bucket.ts';

/**
 * Enforces AWS's API rate limits in front of the local world, which has no rate limits of its
 * own: requests over a bucket get the service's own throttling error in its own protocol, the
 * rest are forwarded unchanged. The handlers reach it through the service-specific endpoint
 * variables (AWS_ENDPOINT_URL_RDS, _ECS, _ROUTE_53), which the SDK prefers to AWS_ENDPOINT_URL.
 */
export interface RateLimitProxy {
  url: string;
  /** Where to forward to; set once the world is up. */
  setUpstream(url: string): void;
  /** The clock the buckets refill on (the world's simulated clock). */
  setClock(now: () => number): void;
  reset(): void;
  throttled(): Record<string, number>;
  forwarded(): number;
  close(): Promise<void>;
}

const SCOPE = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** The throttling error each protocol's SDK turns into its throttling exception. */
function throttlingResponse(service: RateLimit['service']): { contentType: string; body: string } {
  if (service === 'ecs') {
    return {
      contentType: 'application/x-amz-json-1.1',
      body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
    };
  }
  const namespace =
    service === 'rds'
      ? 'http://rds.amazonaws.com/doc/2014-10-31/'
      : 'https://route53.amazonaws.com/doc/2013-04-01/';
  return {
    contentType: 'text/xml',
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>bench-rate-limit</RequestId></ErrorResponse>`,
  };
}

export async function startRateLimitProxy(
  limits: readonly RateLimit[] = RATE_LIMITS,
): Promise<RateLimitProxy> {
  let upstream: URL | undefined;
  let now = () => Date.now();
  let buckets = new Map<string, TokenBucket>();
  let throttled: Record<string, number> = {};
  let forwarded = 0;

  const bucketFor = (service: string, region: string): [RateLimit, TokenBucket] | undefined => {
    const limit = limits.find((l) => l.service === service);
    if (!limit) return undefined;
    const key = limit.global ? service : `${service}|${region}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit.capacity, limit.refillPerSecond);
      buckets.set(key, bucket);
    }
    return [limit, bucket];
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    if (!upstream) {
      res.writeHead(503).end('rate-limit proxy has no upstream yet');
      return;
    }
    forwarded++;
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    // A region that is down resets the connection: so must the proxy, or the SDK sees a 5xx instead.
    outgoing.on('error', () => res.socket?.destroy());
    outgoing.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const scope = SCOPE.exec(req.headers.authorization ?? '');
      const found = scope ? bucketFor(scope[2] as string, scope[1] as string) : undefined;
      if (found && !found[1].take(now())) {
        const [limit] = found;
        throttled[limit.service] = (throttled[limit.service] ?? 0) + 1;
        const { contentType, body } = throttlingResponse(limit.service);
        res.writeHead(400, { 'content-type': contentType, 'x-amzn-requestid': 'bench-rate-limit' }).end(body);
        return;
      }
      forward(req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setUpstream: (url) => {
      upstream = new URL(url);
    },
    setClock: (clock) => {
      now = clock;
    },
    reset: () => {
      buckets = new Map();
      throttled = {};
      forwarded = 0;
    },
    throttled: () => ({ ...throttled }),
    forwarded: () => forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
