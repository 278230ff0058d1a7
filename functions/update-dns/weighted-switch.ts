import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { Plan } from '../../plan/schema.ts';
import { type DnsSwitch, type DnsTargets, dnsConflict } from './dns-switch.ts';
import { sameDnsName } from './record-names.ts';
import { recordValue } from './record-sets.ts';

export const PRIMARY_SET = 'primary';
export const DR_SET = 'dr';
const DR_WEIGHT_AFTER = 100;

/**
 * Weighted strategy: two weighted CNAMEs ("primary" and "dr"); failover sets primary to weight 0
 * and dr to 100 in one change batch, which Route 53 applies atomically.
 *
 * Why traffic does not drift back when the old primary returns: Route 53 only answers with a
 * zero-weight record when every record with a non-zero weight is unhealthy. These records are
 * deployed without health checks (the infra does that), so the dr record is never "unhealthy"
 * and the zero-weight primary gets no traffic until a person moves it back. The UPSERTs below
 * carry no HealthCheckId for the same reason. The simple strategy has a single value and needs
 * nothing of the kind.
 */
export function planWeightedSwitch(
  dns: Plan['dns'],
  targets: DnsTargets,
  sets: ResourceRecordSet[],
): DnsSwitch {
  const expected = `weighted CNAMEs "${PRIMARY_SET}" -> ${targets.primary} (weight > 0) and "${DR_SET}" -> ${targets.dr}`;
  const primary = sets.find((set) => set.SetIdentifier === PRIMARY_SET);
  const dr = sets.find((set) => set.SetIdentifier === DR_SET);
  if (!primary || !dr) {
    throw dnsConflict(dns, sets.length === 0 ? 'no record' : describeSets(sets), expected);
  }
  const before = describeSets([primary, dr]);
  const primaryWeight = primary.Weight;
  const drWeight = dr.Weight;
  if (primaryWeight === undefined || drWeight === undefined) throw dnsConflict(dns, before, expected);
  const pointsAt = (set: ResourceRecordSet, target: string) => {
    const value = recordValue(set);
    return value !== null && !set.AliasTarget && sameDnsName(value, target);
  };
  if (!pointsAt(dr, targets.dr)) throw dnsConflict(dns, before, expected);

  if (primaryWeight === 0 && drWeight > 0) return { before, after: before, changes: [] };
  if (primaryWeight <= 0 || !pointsAt(primary, targets.primary)) throw dnsConflict(dns, before, expected);

  const weighted = (setIdentifier: string, target: string, weight: number) => ({
    Action: 'UPSERT' as const,
    ResourceRecordSet: {
      Name: dr.Name ?? dns.record,
      Type: dns.type,
      SetIdentifier: setIdentifier,
      Weight: weight,
      TTL: dns.ttl,
      ResourceRecords: [{ Value: target }],
    },
  });
  return {
    before,
    after: describeSwitchedWeights(targets),
    changes: [weighted(PRIMARY_SET, targets.primary, 0), weighted(DR_SET, targets.dr, DR_WEIGHT_AFTER)],
  };
}

function describeSets(sets: ResourceRecordSet[]): string {
  return sets
    .map(
      (set) =>
        `"${set.SetIdentifier ?? '(none)'}" -> ${recordValue(set) ?? '(no value)'} weight ${set.Weight ?? '(none)'}`,
    )
    .join(', ');
}

/** The weighted records once switched, in words. */
export function describeSwitchedWeights(targets: DnsTargets): string {
  return `"${PRIMARY_SET}" -> ${targets.primary} weight 0, "${DR_SET}" -> ${targets.dr} weight ${DR_WEIGHT_AFTER}`;
}
