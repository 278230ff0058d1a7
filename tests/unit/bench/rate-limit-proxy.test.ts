import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetChangeCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { type RateLimitProxy, startRateLimitProxy } from '../../../bench/recovery/rate-limit-proxy.ts';

let upstream: Server | undefined;
let proxy: RateLimitProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  const server = upstream;
  if (server) await new Promise((resolve) => server.close(resolve));
  proxy = undefined;
  upstream = undefined;
});

async function fakeEcs(): Promise<string> {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res
        .writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
        .end('{"services":[],"failures":[]}');
    });
  });
  await new Promise<void>((resolve) => upstream?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
}

describe('rate-limit proxy in front of the local world', () => {
  it('forwards requests within the limit and answers the rest with the SDK-recognised throttling error', async () => {
    // Prepare
    const upstreamUrl = await fakeEcs();
    proxy = await startRateLimitProxy([
      { service: 'ecs', capacity: 2, refillPerSecond: 0.001, global: false, limit: 'test', source: 'test' },
    ]);
    proxy.setUpstream(upstreamUrl);
    proxy.setClock(() => 0);
    const ecs = new ECSClient({
      region: 'us-west-2',
      endpoint: proxy.url,
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const describe = () => ecs.send(new DescribeServicesCommand({ cluster: 'c', services: ['s'] }));

    // Act
    const first = await describe();
    const second = await describe();
    const third = await describe().catch((error: unknown) => error as Error);
    ecs.destroy();

    // Assess
    expect(first.services).toEqual([]);
    expect(second.failures).toEqual([]);
    expect(third).toBeInstanceOf(Error);
    expect((third as Error).name).toBe('ThrottlingException');
    expect(proxy.throttled()).toEqual({ ecs: 1 });
    expect(proxy.forwarded()).toBe(2);
  });

  it('keeps one bucket per Region for regional services', async () => {
    // Prepare
    const upstreamUrl = await fakeEcs();
    proxy = await startRateLimitProxy([
      { service: 'ecs', capacity: 1, refillPerSecond: 0.001, global: false, limit: 'test', source: 'test' },
    ]);
    proxy.setUpstream(upstreamUrl);
    proxy.setClock(() => 0);
    const client = (region: string) =>
      new ECSClient({
        region,
        endpoint: proxy?.url,
        maxAttempts: 1,
        credentials: { accessKeyId: 't', secretAccessKey: 't' },
      });
    const west = client('us-west-2');
    const east = client('us-east-1');

    // Act
    await west.send(new DescribeServicesCommand({ cluster: 'c', services: ['s'] }));
    await east.send(new DescribeServicesCommand({ cluster: 'c', services: ['s'] }));
    west.destroy();
    east.destroy();

    // Assess
    expect(proxy.throttled()).toEqual({});
    expect(proxy.forwarded()).toBe(2);
  });

  it('answers RDS (query) and Route 53 (REST-XML) over their limits with errors the SDK names Throttling', async () => {
    // Prepare
    proxy = await startRateLimitProxy([
      { service: 'rds', capacity: 0, refillPerSecond: 0, global: false, limit: 'test', source: 'test' },
      { service: 'route53', capacity: 0, refillPerSecond: 0, global: true, limit: 'test', source: 'test' },
    ]);
    proxy.setClock(() => 0);
    const options = {
      region: 'us-east-1',
      endpoint: proxy.url,
      maxAttempts: 1,
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    };
    const rds = new RDSClient(options);
    const route53 = new Route53Client(options);

    // Act
    const rdsError = await rds
      .send(new DescribeDBInstancesCommand({}))
      .catch((error: unknown) => error as Error);
    const route53Error = await route53
      .send(new GetChangeCommand({ Id: 'C1' }))
      .catch((error: unknown) => error as Error);
    rds.destroy();
    route53.destroy();

    // Assess
    expect((rdsError as Error).name).toBe('Throttling');
    expect((route53Error as Error).name).toBe('Throttling');
    expect(proxy.throttled()).toEqual({ rds: 1, route53: 1 });
  });
});
