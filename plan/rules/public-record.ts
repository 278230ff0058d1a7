import type { Plan } from '../schema.ts';
import { dnsKey } from './dns-names.ts';
import { type PlanProblem, problem } from './problem.ts';

/**
 * The public record is a CNAME (dns.type) in every strategy: the gate's two failover records,
 * simple and weighted. A CNAME cannot sit at a zone's apex, beside its SOA and NS records
 * (RFC 1034 §3.6.2; Route 53 answers InvalidChangeBatch), and the switch would fail only after
 * the databases were promoted.
 */
export function publicRecordProblems(plan: Plan): PlanProblem[] {
  const zone = dnsKey(plan.dns.zoneName);
  if (dnsKey(plan.dns.record) !== zone) return [];
  return [
    problem(
      'dns.record',
      `found "${plan.dns.record}", the apex of zone ${zone}: Route 53 refuses a ${plan.dns.type} record at a zone apex; allowed: a name inside the zone, such as www.${zone}`,
    ),
  ];
}
