import { drillRecordName, drillSetIdentifier, failoverSetIdentifier } from '../../plan/names.ts';
import { type Plan, stripDot } from '../../plan/schema.ts';
import { drillGateHealthCheckId, gateHealthCheckId } from './gate.ts';

/**
 * Route 53 record sets and how the DNS servers choose among the record sets of one name and type
 * (routing policies). Names are fully qualified, lower case, with the final dot.
 */
export interface RecordSet {
  name: string;
  type: string;
  ttl?: number;
  setIdentifier?: string;
  weight?: number;
  failover?: 'PRIMARY' | 'SECONDARY';
  healthCheckId?: string;
  values: string[];
}

export type RoutingPolicy = 'simple' | 'weighted' | 'failover';

export const fqdn = (name: string): string => `${stripDot(name).toLowerCase()}.`;

export function routingPolicyOf(record: RecordSet): RoutingPolicy {
  if (record.failover !== undefined) return 'failover';
  if (record.weight !== undefined) return 'weighted';
  return 'simple';
}

/** How a record set is named in Route 53's error messages. */
export function describeRecord(record: RecordSet): string {
  return `[name='${record.name}', type='${record.type}'${record.setIdentifier === undefined ? '' : `, set-identifier='${record.setIdentifier}'`}]`;
}

/**
 * The record set the DNS servers answer with, from the record sets of one name and type:
 * - failover: PRIMARY while its health check is healthy (or it has none), else SECONDARY if
 *   its check is healthy (or it has none), else PRIMARY (Route 53 API, ResourceRecordSet
 *   Failover: "When the secondary resource record set is unhealthy, Route 53 responds to DNS
 *   queries with the applicable value from the primary ... regardless of the health of the
 *   primary");
 * - weighted: the one with the most weight (the world has one client); none when that weight is 0;
 * - simple: the one record set.
 */
export function chooseRecord(
  records: readonly RecordSet[],
  isHealthy: (healthCheckId: string) => boolean,
): RecordSet | undefined {
  const first = records[0];
  if (!first) return undefined;
  const policy = routingPolicyOf(first);
  if (policy === 'failover') {
    const healthy = (r: RecordSet | undefined) =>
      r !== undefined && (r.healthCheckId === undefined || isHealthy(r.healthCheckId));
    const primary = records.find((r) => r.failover === 'PRIMARY');
    const secondary = records.find((r) => r.failover === 'SECONDARY');
    if (healthy(primary)) return primary;
    if (healthy(secondary)) return secondary;
    return primary ?? secondary;
  }
  if (policy === 'weighted') {
    const heaviest = [...records].sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0))[0];
    return heaviest && (heaviest.weight ?? 0) > 0 ? heaviest : undefined;
  }
  return first;
}

/**
 * The zone as the CDK app deploys it: NS and SOA at the apex and the plan's public record per
 * dns.strategy. gate: two failover records, PRIMARY (gated by the gate health check) → primary
 * target, SECONDARY (no health check) → DR target; weighted: "primary" 100 and "dr" 0; simple:
 * one record on the primary target.
 */
export function seedRecords(plan: Plan): RecordSet[] {
  const { dns, application } = plan;
  const zoneName = fqdn(dns.zoneName);
  const record = fqdn(dns.record);
  const common = { name: record, type: dns.type, ttl: dns.ttl };
  const records: RecordSet[] = [
    { name: zoneName, type: 'NS', ttl: 172_800, values: ['ns-1.awsdns-01.org.', 'ns-2.awsdns-02.co.uk.'] },
    {
      name: zoneName,
      type: 'SOA',
      ttl: 900,
      values: ['ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400'],
    },
  ];
  switch (dns.strategy) {
    case 'gate':
      records.push(
        {
          ...common,
          setIdentifier: failoverSetIdentifier(plan, 'primary'),
          failover: 'PRIMARY',
          healthCheckId: gateHealthCheckId(plan),
          values: [application.primary.target],
        },
        {
          ...common,
          setIdentifier: failoverSetIdentifier(plan, 'dr'),
          failover: 'SECONDARY',
          values: [application.dr.target],
        },
      );
      break;
    case 'weighted':
      records.push(
        { ...common, setIdentifier: 'primary', weight: 100, values: [application.primary.target] },
        { ...common, setIdentifier: 'dr', weight: 0, values: [application.dr.target] },
      );
      break;
    case 'simple':
      records.push({ ...common, values: [application.primary.target] });
      break;
  }
  records.push(...drillRecords(plan));
  return records;
}

/**
 * The drill name (drills.recordName, default drill.<zone>) as the CDK app deploys it whatever
 * dns.strategy is: two failover records like the public gate's, PRIMARY (gated by the drill
 * gate's health check) → primary target, SECONDARY → DR target. A name outside the zone cannot be
 * deployed in it (the plan's rules refuse it); the world deploys nothing then.
 */
export function drillRecords(plan: Plan): RecordSet[] {
  const zoneName = fqdn(plan.dns.zoneName);
  const name = fqdn(drillRecordName(plan));
  if (name !== zoneName && !name.endsWith(`.${zoneName}`)) return [];
  const common = { name, type: 'CNAME', ttl: plan.dns.ttl };
  return [
    {
      ...common,
      setIdentifier: drillSetIdentifier(plan, 'primary'),
      failover: 'PRIMARY',
      healthCheckId: drillGateHealthCheckId(plan),
      values: [plan.application.primary.target],
    },
    {
      ...common,
      setIdentifier: drillSetIdentifier(plan, 'dr'),
      failover: 'SECONDARY',
      values: [plan.application.dr.target],
    },
  ];
}
