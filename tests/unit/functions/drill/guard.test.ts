import { CreateDBInstanceReadReplicaCommand, DeleteDBInstanceCommand } from '@aws-sdk/client-rds';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCopy } from '../../../../functions/drill/create-copy.ts';
import { deleteCopy } from '../../../../functions/drill/delete-copy.ts';
import { guardPlanService, guardTaggedCopy } from '../../../../functions/drill/guard.ts';
import { NotADrillResourceError } from '../../../../plan/errors.ts';
import type { Plan } from '../../../../plan/schema.ts';
import { rejection } from '../aws-errors.ts';
import { envelope, healthyReplicas, instances, plan, ports, rdsMock, resetMocks } from './support.ts';

/** A plan whose second database's primary is named exactly like the first database's drill copy. */
function collidingPlan(): Plan {
  const [orders, catalog] = plan.databases;
  if (!orders || !catalog) throw new Error('the sample plan has two databases');
  return {
    ...plan,
    databases: [
      orders,
      { ...catalog, primary: { ...catalog.primary, identifier: `${orders.replica.identifier}-drill` } },
    ],
  };
}

beforeEach(() => {
  resetMocks();
  rdsMock.on(CreateDBInstanceReadReplicaCommand).resolves({});
  rdsMock.on(DeleteDBInstanceCommand).resolves({});
});

describe('what a drill may change', () => {
  it('refuses to create a copy whose name is a production instance of the plan, before any call', async () => {
    // Prepare
    instances(healthyReplicas());

    // Act
    const error = await rejection(
      createCopy(ports({ plan: collidingPlan() }), { op: 'create-copy', ...envelope, databaseId: 'orders' }),
    );

    // Assess
    expect(error).toBeInstanceOf(NotADrillResourceError);
    expect(error.message).toContain('shop-orders-replica-drill: it is a primary or replica of plan shop');
    expect(rdsMock.calls()).toHaveLength(0);
  });

  it('refuses to delete an instance of another plan, or one not named as a copy, sending nothing', async () => {
    // Prepare
    const otherPlans = {
      identifier: 'shop-orders-replica-drill',
      status: 'available',
      execution: 'drill-1',
      tags: { 'drctl:plan': 'payments' },
      source: 'shop-orders-replica',
      instance: {},
    };
    const notACopy = { ...otherPlans, identifier: 'shop-orders', tags: { 'drctl:plan': 'shop' } };

    // Act
    const other = await rejection(deleteCopy(ports().rds, plan, otherPlans));
    const production = await rejection(deleteCopy(ports().rds, plan, notACopy));

    // Assess
    expect(other).toBeInstanceOf(NotADrillResourceError);
    expect(other.message).toContain('it is not tagged drctl:plan=shop (found payments)');
    expect(production).toBeInstanceOf(NotADrillResourceError);
    expect(production.message).toContain('shop-orders: it is not a drill copy');
    expect(rdsMock.calls()).toHaveLength(0);
  });

  it('refuses to promote a plan replica even when it carries the drill tag', () => {
    // Act
    const promote = () =>
      guardTaggedCopy(plan, 'shop-orders-replica', { 'drctl:plan': 'shop', 'drctl:drill': 'x' }, 'promote');

    // Assess
    expect(promote).toThrow(NotADrillResourceError);
    expect(promote).toThrow('refusing to promote DB instance shop-orders-replica');
  });

  it("refuses to scale an ECS service that is not one of the plan's DR services", () => {
    // Act
    const scale = () => guardPlanService(plan, 'shop-prod', 'shop-web');

    // Assess
    expect(scale).toThrow(NotADrillResourceError);
    expect(scale).toThrow('refusing to scale ECS service shop-prod/shop-web in us-west-2');
    expect(guardPlanService(plan, 'shop-dr', 'shop-web').id).toBe('web');
  });
});
