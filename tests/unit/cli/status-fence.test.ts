import { describe, expect, it } from 'vitest';
import type { DatabaseFenceStatus } from '../../../cli/drill/read-fencing-status.ts';
import { type InstanceReading, type Reading, withFence } from '../../../cli/drill/read-status.ts';

const standalone: InstanceReading = {
  ok: true,
  value: {
    identifier: 'shop-orders',
    region: 'us-east-1',
    status: 'available',
    role: 'standalone (writable)',
  },
};
const fence = (state: DatabaseFenceStatus['state'], value: string | null): Reading<DatabaseFenceStatus> => ({
  ok: true,
  value: { parameter: 'read_only', value, group: 'shop-orders-params', state },
});

describe('drctl status: the old primary role as its fencing leaves it', () => {
  it('calls a fenced standalone primary read-only, not writable', () => {
    // Prepare
    const fenced = fence('fenced', '1');

    // Act
    const shown = withFence(standalone, fenced);

    // Assess
    expect(shown.ok && shown.value.role).toBe('standalone (fenced: read-only)');
    expect(shown.ok && shown.value.status).toBe('available');
  });

  it('keeps an unfenced standalone primary writable', () => {
    // Prepare
    const writable = fence('writable', null);

    // Act
    const shown = withFence(standalone, writable);

    // Assess
    expect(shown.ok && shown.value.role).toBe('standalone (writable)');
  });

  it('does not claim writable when the fence could not be read', () => {
    // Prepare
    const unread: Reading<DatabaseFenceStatus> = { ok: false, error: 'Throttling: Rate exceeded' };

    // Act
    const shown = withFence(standalone, unread);

    // Assess
    expect(shown.ok && shown.value.role).toBe('standalone (read-only state unknown)');
  });

  it('leaves a replica and an unreachable primary as read', () => {
    // Prepare
    const replica: InstanceReading = {
      ok: true,
      value: { identifier: 'shop-orders', region: 'us-east-1', status: 'available', role: 'replica of x' },
    };
    const unreachable: InstanceReading = { ok: false, error: 'connect ECONNREFUSED' };

    // Act
    const shown = [withFence(replica, fence('fenced', '1')), withFence(unreachable, fence('fenced', '1'))];

    // Assess
    expect(shown).toEqual([replica, unreachable]);
  });
});
