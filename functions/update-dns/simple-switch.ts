import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Plan } from '../../plan/schema.ts';
import { type DnsSwitch, type DnsTargets, dnsConflict } from './dns-switch.ts';
import { sameDnsName } from './record-names.ts';
import { recordValue } from './record-sets.ts';

/**
 * Simple strategy: one CNAME whose value moves from the primary target to the DR target with a
 * single UPSERT. Route 53 has no conditional write, so the compare happens on the records read
 * just before; a record pointing anywhere else is left alone.
 */
export function planSimpleSwitch(
  dns: Plan['dns'],
  targets: DnsTargets,
  sets: ResourceRecordSet[],
): DnsSwitch {
  const expected = `one CNAME ${dns.record} -> ${targets.primary} (or ${targets.dr} once switched)`;
  const routed = sets.filter((set) => set.SetIdentifier !== undefined);
  if (routed.length > 0) {
    const identifiers = routed.map((set) => `"${set.SetIdentifier}"`).join(', ');
    throw dnsConflict(dns, `records with set identifiers ${identifiers} (dns.strategy is simple)`, expected);
  }
  const [record] = sets;
  if (!record || sets.length > 1)
    throw dnsConflict(dns, record ? `${sets.length} records` : 'no record', expected);

  const value = recordValue(record);
  const pointsAt = (target: string) => value !== null && !record.AliasTarget && sameDnsName(value, target);
  if (pointsAt(targets.dr)) return { before: targets.dr, after: targets.dr, changes: [] };
  if (!pointsAt(targets.primary)) throw dnsConflict(dns, value ?? 'a record without a value', expected);

  return {
    before: value ?? targets.primary,
    after: targets.dr,
    changes: [
      {
        Action: 'UPSERT',
        ResourceRecordSet: {
          Name: record.Name ?? dns.record,
          Type: dns.type,
          TTL: dns.ttl,
          ResourceRecords: [{ Value: targets.dr }],
        },
      },
    ],
  };
}
