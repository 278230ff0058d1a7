import { describe, expect, it } from 'vitest';
import { classifyDrDatabase } from '../../../../functions/shared/classify-database.ts';
import { referencePlan, replicaOf, standalone } from '../health-monitor/world.ts';

const plan = referencePlan();
const orders = plan.databases[0];
if (!orders) throw new Error('reference plan changed');

describe('DR database classification', () => {
  it('recognises the cross-region source by its ARN, whatever the identifier case', () => {
    // Prepare
    const instance = {
      ...replicaOf(orders),
      ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:Shop-Orders',
    };

    // Act
    const classification = classifyDrDatabase(orders, instance);

    // Assess
    expect(classification).toEqual({ readiness: 'replica-ready', status: 'available' });
  });

  it('does not take a same-named source in another region for the plan primary', () => {
    // Prepare
    const sameNameOtherRegion = {
      ...replicaOf(orders),
      ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:eu-west-1:111111111111:db:shop-orders',
    };
    // A bare identifier means a source in the replica's own region (us-west-2), not us-east-1.
    const bareIdentifier = { ...replicaOf(orders), ReadReplicaSourceDBInstanceIdentifier: 'shop-orders' };

    // Act
    const results = [
      classifyDrDatabase(orders, sameNameOtherRegion),
      classifyDrDatabase(orders, bareIdentifier),
    ];

    // Assess
    for (const result of results) {
      expect(result.readiness).toBeNull();
      expect('problem' in result && result.problem).toContain('not from the plan');
    }
  });

  it('tells promoted from promoting and from broken standalone instances', () => {
    // Prepare
    const states = ['available', 'modifying', 'rebooting', 'failed'];

    // Act
    const results = states.map((status) =>
      classifyDrDatabase(orders, standalone('shop-orders-replica', status)),
    );

    // Assess
    expect(results.map((r) => r.readiness)).toEqual(['promoted', 'promoting', 'promoting', null]);
    const broken = results[3];
    expect(broken && 'problem' in broken ? broken.problem : '').toContain(
      'standalone instance in status "failed"',
    );
  });
});
