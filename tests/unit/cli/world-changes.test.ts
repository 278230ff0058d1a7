import { describe, expect, it } from 'vitest';
import { worldChanges } from '../../../cli/drill/world-changes.ts';
import type { WorldSnapshot } from '../../../local/index.ts';

function snapshot(change: (s: WorldSnapshot) => void = () => {}): WorldSnapshot {
  const base = {
    databases: [
      {
        id: 'orders',
        primary: { identifier: 'shop-orders', region: 'us-east-1', status: 'available', role: 'primary' },
        replica: {
          identifier: 'shop-orders-replica',
          region: 'us-west-2',
          status: 'available',
          role: 'replica',
          source: 'arn:aws:rds:us-east-1:111111111111:db:shop-orders',
          lagSeconds: 1,
        },
        writes: null,
      },
    ],
    services: [
      {
        id: 'web',
        primary: null,
        dr: {
          cluster: 'shop-dr',
          service: 'shop-web',
          desired: 0,
          running: 0,
          pending: 0,
          healthyTargets: 0,
          rolloutState: 'COMPLETED',
        },
      },
    ],
    alarms: [{ name: 'shop-traffic-gate-closed', region: 'us-west-2', state: 'OK', reason: '' }],
    dns: {
      record: 'www.shop.example.com',
      values: [],
      resolvesTo: 'primary.shop.example.com',
      pendingChanges: [],
    },
  } as unknown as WorldSnapshot;
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

describe('worldChanges: what an interrupted drill had changed', () => {
  it('names promotions, scaling and the traffic switch, and nothing when nothing moved', () => {
    // Prepare
    const before = snapshot();
    const after = snapshot((s) => {
      const replica = s.databases[0]?.replica;
      if (replica) Object.assign(replica, { source: null, role: 'standalone', status: 'available' });
      const dr = s.services[0]?.dr;
      if (dr) Object.assign(dr, { desired: 2, running: 1 });
      const gate = s.alarms[0];
      if (gate) gate.state = 'ALARM';
      s.dns.resolvesTo = 'dr.shop.example.com';
    });

    // Act
    const changes = worldChanges(before, after, 'shop-traffic-gate-closed');
    const none = worldChanges(before, snapshot(), 'shop-traffic-gate-closed');

    // Assess
    expect(changes).toEqual([
      'shop-orders-replica promoted (available)',
      'shop-dr/shop-web desired 0 → 2 (1 running)',
      'traffic gate closed (shop-traffic-gate-closed: OK → ALARM)',
      'www.shop.example.com now answers dr.shop.example.com',
    ]);
    expect(none).toEqual([]);
  });
});
