import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpProbe, isHealthyResponse } from '../../../../functions/shared/http-probe.ts';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/ok') response.writeHead(200).end('ok');
    else if (request.url === '/down') response.writeHead(503).end('down');
    else if (request.url === '/moved') response.writeHead(302, { location: '/ok' }).end();
    // '/hang' never answers: the probe's timeout must end it.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function closedPort(): Promise<number> {
  const probeServer = createServer();
  await new Promise<void>((resolve) => probeServer.listen(0, '127.0.0.1', resolve));
  const { port } = probeServer.address() as AddressInfo;
  await new Promise((resolve) => probeServer.close(resolve));
  return port;
}

describe('HTTP probe', () => {
  it('reports the status of an endpoint that answers', async () => {
    // Prepare
    const probe = createHttpProbe();

    // Act
    const ok = await probe(`${base}/ok`, 2_000);
    const down = await probe(`${base}/down`, 2_000);

    // Assess
    expect(ok).toEqual({ outcome: 'response', status: 200 });
    expect(isHealthyResponse(ok)).toBe(true);
    expect(down).toEqual({ outcome: 'response', status: 503 });
    expect(isHealthyResponse(down)).toBe(false);
  });

  it('does not follow redirects: a redirect is not a 2xx', async () => {
    // Prepare
    const probe = createHttpProbe();

    // Act
    const result = await probe(`${base}/moved`, 2_000);

    // Assess
    expect(result).toEqual({ outcome: 'response', status: 302 });
    expect(isHealthyResponse(result)).toBe(false);
  });

  it('reports no response when the connection is refused', async () => {
    // Prepare
    const probe = createHttpProbe();
    const port = await closedPort();

    // Act
    const result = await probe(`http://127.0.0.1:${port}/health`, 2_000);

    // Assess
    expect(result.outcome).toBe('no-response');
    expect(result.outcome === 'no-response' && result.reason).toContain('ECONNREFUSED');
  });

  it('gives up after the timeout when the endpoint hangs', async () => {
    // Prepare
    const probe = createHttpProbe();
    const started = Date.now();

    // Act
    const result = await probe(`${base}/hang`, 300);

    // Assess
    expect(result).toEqual({ outcome: 'no-response', reason: `no response from ${base}/hang within 300 ms` });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports "not attempted" for an invalid URL and for a name that cannot be resolved here', async () => {
    // Prepare
    const unresolvable = Object.assign(new Error('getaddrinfo ENOTFOUND primary.shop.example.com'), {
      code: 'ENOTFOUND',
    });
    const probe = createHttpProbe(async () => {
      throw unresolvable;
    });

    // Act
    const invalid = await probe('not a url', 1_000);
    const notFound = await probe('https://primary.shop.example.com/health', 1_000);

    // Assess
    expect(invalid.outcome).toBe('not-attempted');
    expect(notFound).toEqual({
      outcome: 'not-attempted',
      reason: 'cannot resolve primary.shop.example.com (ENOTFOUND)',
    });
  });
});
