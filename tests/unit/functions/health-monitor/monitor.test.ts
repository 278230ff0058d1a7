import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { MONITOR_PROBE_TIMEOUT_MS, monitor } from '../../../../functions/health-monitor/monitor.ts';
import { ThrottledError, TransientError } from '../../../../plan/errors.ts';
import { createWorld, drService, NOW, replicaOf, serverError, throttling, type World } from './world.ts';

const PRIMARY_URL = 'https://primary.shop.example.com/health';

function sentMetrics(world: World) {
  const calls = world.mocks.cloudWatch.commandCalls(PutMetricDataCommand);
  expect(calls.length).toBeLessThanOrEqual(1);
  return calls[0]?.args[0].input;
}

function parts(world: World) {
  const [orders, catalog] = world.plan.databases;
  const [web, api, worker] = world.plan.services;
  if (!orders || !catalog || !web || !api || !worker) throw new Error('reference plan changed');
  return { orders, catalog, web, api, worker };
}

describe('monitor', () => {
  it('publishes health, per-database lag and readiness in ONE PutMetricData call', async () => {
    // Prepare
    const world = createWorld();
    const { catalog } = parts(world);
    world.lag(catalog, [
      [120, 3],
      [60, 8],
    ]);

    // Act
    const report = await monitor(world.ports);

    // Assess
    expect(world.probeCalls).toEqual([{ url: PRIMARY_URL, timeoutMs: MONITOR_PROBE_TIMEOUT_MS }]);
    expect(MONITOR_PROBE_TIMEOUT_MS).toBe(3_000);
    const input = sentMetrics(world);
    expect(input?.Namespace).toBe('drctl');
    expect(input?.MetricData).toEqual([
      {
        MetricName: 'PrimaryHealthy',
        Dimensions: [{ Name: 'Plan', Value: 'shop' }],
        Value: 1,
        Unit: 'None',
        Timestamp: NOW,
      },
      {
        MetricName: 'ReplicaLagSeconds',
        Dimensions: [
          { Name: 'Plan', Value: 'shop' },
          { Name: 'Database', Value: 'orders' },
        ],
        Value: 1,
        Unit: 'Seconds',
        Timestamp: NOW,
      },
      {
        MetricName: 'ReplicaLagSeconds',
        Dimensions: [
          { Name: 'Plan', Value: 'shop' },
          { Name: 'Database', Value: 'catalog' },
        ],
        Value: 8,
        Unit: 'Seconds',
        Timestamp: NOW,
      },
      {
        MetricName: 'DrReadiness',
        Dimensions: [{ Name: 'Plan', Value: 'shop' }],
        Value: 1,
        Unit: 'None',
        Timestamp: NOW,
      },
    ]);
    expect(report.primary).toEqual({ url: PRIMARY_URL, state: 'healthy', detail: 'HTTP 200' });
    expect(report.readiness).toEqual({ state: 'ready', reasons: [] });
    expect(report.databases[1]).toEqual({
      id: 'catalog',
      primary: { resource: 'rds:us-east-1:shop-catalog', status: 'available' },
      replica: { resource: 'rds:us-west-2:shop-catalog-replica', status: 'available' },
      lag: { state: 'active', seconds: 8, observedAt: new Date(NOW.getTime() - 60_000).toISOString() },
    });
    expect(report.published).toHaveLength(4);
  });

  it('reads the lag over the last 5 minutes, per minute, maximum', async () => {
    // Prepare
    const world = createWorld();

    // Act
    await monitor(world.ports);

    // Assess
    const lagRequest = world.mocks.cloudWatch.calls()[0]?.args[0].input;
    expect(lagRequest).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'ReplicaLag',
      Period: 60,
      Statistics: ['Maximum'],
      StartTime: new Date(NOW.getTime() - 300_000),
      EndTime: NOW,
    });
  });

  it('in a primary outage: primary unhealthy, primary DB status unknown, lag -1 published as nothing', async () => {
    // Prepare
    const world = createWorld();
    const { orders, catalog } = parts(world);
    world.probeResults.set(PRIMARY_URL, { outcome: 'no-response', reason: `${PRIMARY_URL}: ECONNREFUSED` });
    for (const db of [orders, catalog]) {
      world.primaryDatabase(db, Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }));
      world.lag(db, [
        [120, 4],
        [60, -1],
      ]);
    }

    // Act
    const report = await monitor(world.ports);

    // Assess
    expect(report.primary.state).toBe('unhealthy');
    expect(report.databases.map((d) => d.primary.status)).toEqual(['unknown', 'unknown']);
    expect(report.databases[0]?.lag).toEqual({
      state: 'not-active',
      seconds: null,
      observedAt: new Date(NOW.getTime() - 60_000).toISOString(),
    });
    expect(sentMetrics(world)?.MetricData?.map((d) => [d.MetricName, d.Value])).toEqual([
      ['PrimaryHealthy', 0],
      ['DrReadiness', 1],
    ]);
  });

  it('publishes nothing for unknown values, and makes no call when everything is unknown', async () => {
    // Prepare
    const world = createWorld();
    const { orders, catalog, api } = parts(world);
    world.probeResults.set(PRIMARY_URL, {
      outcome: 'not-attempted',
      reason: 'cannot resolve primary.shop.example.com',
    });
    world.lag(orders, []);
    world.lag(catalog, throttling());
    world.service(api, serverError());

    // Act
    const report = await monitor(world.ports);

    // Assess
    expect(report.primary.state).toBe('unknown');
    expect(report.databases.map((d) => d.lag.state)).toEqual(['no-data', 'unreadable']);
    expect(report.readiness.state).toBe('unknown');
    expect(report.readiness.reasons).toEqual([expect.stringContaining('ecs:us-west-2:shop-dr/shop-api')]);
    expect(report.published).toEqual([]);
    expect(world.mocks.cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  it('reports DR not ready when a resource is known bad, even if another could not be read', async () => {
    // Prepare
    const world = createWorld();
    const { orders, catalog, web, worker } = parts(world);
    world.database(orders, replicaOf(orders, 'storage-full'));
    world.database(catalog, throttling());
    world.service(web, null);
    world.service(worker, drService(worker, 0, 0, 'INACTIVE'));

    // Act
    const report = await monitor(world.ports);

    // Assess
    expect(report.readiness).toEqual({
      state: 'not-ready',
      reasons: [
        'rds:us-west-2:shop-orders-replica is storage-full, not available',
        'ecs:us-west-2:shop-dr/shop-web not found',
        'ecs:us-west-2:shop-dr/shop-worker is INACTIVE, not ACTIVE',
      ],
    });
    expect(report.databases[1]?.replica.status).toBe('unknown');
    expect(report.services[0]?.status).toBe('not-found');
    expect(report.published.find((m) => m.metric === 'DrReadiness')?.value).toBe(0);
  });

  it('counts any non-2xx answer of the primary as unhealthy', async () => {
    // Prepare
    const world = createWorld();
    world.probeResults.set(PRIMARY_URL, { outcome: 'response', status: 502 });

    // Act
    const report = await monitor(world.ports);

    // Assess
    expect(report.primary).toEqual({ url: PRIMARY_URL, state: 'unhealthy', detail: 'HTTP 502' });
    expect(report.published.find((m) => m.metric === 'PrimaryHealthy')?.value).toBe(0);
  });

  it('throws a retryable error when publishing is throttled, and a TransientError for other publish failures', async () => {
    // Prepare
    const throttled = createWorld();
    throttled.mocks.cloudWatch.on(PutMetricDataCommand).rejects(throttling());
    const broken = createWorld();
    broken.mocks.cloudWatch
      .on(PutMetricDataCommand)
      .rejects(Object.assign(new Error('socket hang up'), { name: 'Error', $metadata: {} }));

    // Act
    const throttledError = await monitor(throttled.ports).catch((e: unknown) => e);
    const brokenError = await monitor(broken.ports).catch((e: unknown) => e);

    // Assess
    expect(throttledError).toBeInstanceOf(ThrottledError);
    expect((throttledError as ThrottledError).retryable).toBe(true);
    expect(brokenError).toBeInstanceOf(TransientError);
    expect((brokenError as TransientError).message).toContain('PutMetricData');
  });
});

describe('monitor and the traffic gate', () => {
  it('reports where traffic goes from the gate alarm and never writes the gate', async () => {
    // Prepare
    const open = createWorld();
    const closed = createWorld().gate('ALARM');

    // Act
    const openReport = await monitor(open.ports);
    const closedReport = await monitor(closed.ports);

    // Assess
    expect(openReport.traffic).toEqual({
      to: 'primary',
      detail: 'gate open (alarm OK): Route 53 answers primary.shop.example.com',
    });
    expect(closedReport.traffic?.to).toBe('dr');
    const written = sentMetrics(closed)?.MetricData?.map((d) => d.MetricName);
    expect(written).not.toContain('PrimaryTrafficGate');
    expect(closed.mocks.route53.calls()).toHaveLength(0);
  });

  it('says unknown when the gate cannot be read, and still publishes the rest', async () => {
    // Prepare
    const world = createWorld().gate(throttling());

    // Act
    const report = await monitor(world.ports);

    // Assess
    expect(report.traffic?.to).toBe('unknown');
    expect(report.published.length).toBeGreaterThan(0);
  });
});
