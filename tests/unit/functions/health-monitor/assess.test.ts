import { describe, expect, it } from 'vitest';
import { assess } from '../../../../functions/health-monitor/assess.ts';
import {
  cname,
  createWorld,
  dbNotFound,
  drService,
  NOW,
  replicaOf,
  serverError,
  simplePlan,
  standalone,
  throttling,
} from './world.ts';

const MUTATING = /^(Promote|Modify|Update|Change|Create|Delete|Put)/;

describe('assess', () => {
  it('finds nothing changed in an untouched pilot light', async () => {
    // Prepare
    const world = createWorld(simplePlan());

    // Act
    const output = await assess(world.ports);

    // Assess
    expect(output).toEqual({ assessedAt: NOW.toISOString(), changes: [], unknown: [] });
    expect(world.commandNames().filter((name) => MUTATING.test(name))).toEqual([]);
  });

  it('lists what a failed run already changed: promoted and promoting replicas, scaled services, the switched record', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    const [orders, catalog] = world.plan.databases;
    const [web, api] = world.plan.services;
    if (!orders || !catalog || !web || !api) throw new Error('reference plan changed');
    world.database(orders, standalone('shop-orders-replica', 'available'));
    world.database(catalog, standalone('shop-catalog-replica', 'modifying'));
    world.service(web, drService(web, 2, 1));
    world.service(api, drService(api, 2, 0));
    world.records([cname(world.plan, 'dr.shop.example.com.')]);

    // Act
    const output = await assess(world.ports);

    // Assess
    expect(output.changes).toEqual([
      {
        resource: 'rds:us-west-2:shop-orders-replica',
        action: 'promoted',
        before: 'read replica of shop-orders (us-east-1)',
        after: 'standalone instance, available',
      },
      {
        resource: 'rds:us-west-2:shop-catalog-replica',
        action: 'promotion in progress',
        before: 'read replica of shop-catalog (us-east-1)',
        after: 'standalone instance, modifying',
      },
      {
        resource: 'ecs:us-west-2:shop-dr/shop-web',
        action: 'scaled up',
        before: 'desiredCount 0 (pilot light)',
        after: 'desiredCount 2, running 1',
      },
      {
        resource: 'ecs:us-west-2:shop-dr/shop-api',
        action: 'scaled up',
        before: 'desiredCount 0 (pilot light)',
        after: 'desiredCount 2, running 0',
      },
      {
        resource: 'route53:Z0SHOPEXAMPLE00000001:www.shop.example.com CNAME',
        action: 'switched to the DR target',
        before: 'primary.shop.example.com',
        after: 'dr.shop.example.com',
      },
    ]);
    expect(output.unknown).toEqual([]);
  });

  it('flags a replica that is not available as a possible promotion in progress, never hides it', async () => {
    // Prepare: RDS still names the source during the first minutes of a promotion
    const world = createWorld(simplePlan());
    const [orders] = world.plan.databases;
    if (!orders) throw new Error('reference plan changed');
    world.database(orders, replicaOf(orders, 'modifying'));

    // Act
    const output = await assess(world.ports);

    // Assess
    expect(output.changes).toEqual([
      {
        resource: 'rds:us-west-2:shop-orders-replica',
        action: 'possibly promotion in progress',
        before: 'read replica of shop-orders (us-east-1)',
        after: 'still a read replica, modifying: check its RDS events before re-running',
      },
    ]);
  });

  it('never throws because a read failed: unreadable and missing resources are listed as unknown', async () => {
    // Prepare
    const world = createWorld(simplePlan());
    const [orders, catalog] = world.plan.databases;
    const [web] = world.plan.services;
    if (!orders || !catalog || !web) throw new Error('reference plan changed');
    world.database(orders, throttling());
    world.database(catalog, dbNotFound('shop-catalog-replica'));
    world.service(web, serverError());
    world.records(serverError());

    // Act
    const output = await assess(world.ports);

    // Assess
    expect(output.changes).toEqual([]);
    expect(output.unknown).toEqual([
      expect.stringMatching(/^rds:us-west-2:shop-orders-replica \(.*ThrottlingException/),
      'rds:us-west-2:shop-catalog-replica (not found)',
      expect.stringMatching(/^ecs:us-west-2:shop-dr\/shop-web \(.*InternalFailure/),
      expect.stringMatching(/^route53:Z0SHOPEXAMPLE00000001:www\.shop\.example\.com CNAME \(/),
    ]);
  });
});
