import {
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { toDrError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import { dnsRecordResource } from '../shared/resource-names.ts';

/** Where the plan's public record points now. `pointsTo` is null when it is neither region (a problem). */
export interface DnsReading {
  pointsTo: 'primary' | 'dr' | null;
  /** The record's value (simple) or its weighted values in words (weighted); null when absent. */
  currentValue: string | null;
  /** Why `pointsTo` is null, naming the record and the fix. */
  problem: string | null;
}

const normalize = (name: string | undefined): string => (name ?? '').toLowerCase().replace(/\.$/, '');

/** Reads the record set(s) of the plan's record. Read failures (including a missing zone) are thrown. */
export async function readDnsRecord(route53: Route53Client, plan: Plan): Promise<DnsReading> {
  const resource = dnsRecordResource(plan);
  let sets: ResourceRecordSet[];
  try {
    const output = await route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: plan.dns.hostedZoneId,
        StartRecordName: plan.dns.record,
        StartRecordType: plan.dns.type,
        // Listing starts at the record; a few items cover the weighted pair.
        MaxItems: 10,
      }),
    );
    sets = (output.ResourceRecordSets ?? []).filter(
      (set) => normalize(set.Name) === normalize(plan.dns.record) && set.Type === plan.dns.type,
    );
  } catch (error) {
    throw toDrError(error, `ListResourceRecordSets ${resource}`);
  }
  return plan.dns.strategy === 'weighted' ? classifyWeighted(plan, sets) : classifySimple(plan, sets);
}

function recordValue(set: ResourceRecordSet): string | null {
  const values = set.ResourceRecords ?? [];
  return values.length === 1 && values[0]?.Value ? normalize(values[0].Value) : null;
}

function classifySimple(plan: Plan, sets: ResourceRecordSet[]): DnsReading {
  const resource = dnsRecordResource(plan);
  const primary = normalize(plan.application.primary.target);
  const dr = normalize(plan.application.dr.target);
  const [set, ...others] = sets;
  if (set === undefined) {
    return {
      pointsTo: null,
      currentValue: null,
      problem: `${resource} not found: create it pointing to ${primary} (or fix dns.record / dns.hostedZoneId in the plan)`,
    };
  }
  if (others.length > 0 || set.SetIdentifier !== undefined) {
    return {
      pointsTo: null,
      currentValue: null,
      problem: `${resource} is a routing-policy record set (set identifier ${set.SetIdentifier ?? 'none'}), but the plan says dns.strategy simple: fix the plan or the record`,
    };
  }
  const value = recordValue(set);
  if (value === primary) return { pointsTo: 'primary', currentValue: value, problem: null };
  if (value === dr) return { pointsTo: 'dr', currentValue: value, problem: null };
  return {
    pointsTo: null,
    currentValue: value,
    problem: `${resource} points to ${value ?? '(no single value)'}, neither the primary target ${primary} nor the DR target ${dr}: fix the record or the plan's application targets`,
  };
}

function classifyWeighted(plan: Plan, sets: ResourceRecordSet[]): DnsReading {
  const resource = dnsRecordResource(plan);
  const primaryTarget = normalize(plan.application.primary.target);
  const drTarget = normalize(plan.application.dr.target);
  const primary = sets.find((set) => set.SetIdentifier === 'primary');
  const dr = sets.find((set) => set.SetIdentifier === 'dr');
  if (primary === undefined || dr === undefined) {
    const missing = [primary === undefined ? 'primary' : null, dr === undefined ? 'dr' : null].filter(
      Boolean,
    );
    return {
      pointsTo: null,
      currentValue: null,
      problem: `${resource} weighted record(s) with set identifier ${missing.join(' and ')} not found: create the weighted pair (primary → ${primaryTarget}, dr → ${drTarget})`,
    };
  }
  const primaryWeight = primary.Weight ?? 0;
  const drWeight = dr.Weight ?? 0;
  const currentValue = `${recordValue(primary) ?? '?'} weight ${primaryWeight}, ${recordValue(dr) ?? '?'} weight ${drWeight}`;
  if (recordValue(primary) !== primaryTarget || recordValue(dr) !== drTarget) {
    return {
      pointsTo: null,
      currentValue,
      problem: `${resource} weighted records do not point to the plan's targets (primary → ${primaryTarget}, dr → ${drTarget}); found ${currentValue}: fix the records or the plan`,
    };
  }
  if (primaryWeight > 0 && drWeight === 0) return { pointsTo: 'primary', currentValue, problem: null };
  if (primaryWeight === 0 && drWeight > 0) return { pointsTo: 'dr', currentValue, problem: null };
  return {
    pointsTo: null,
    currentValue,
    problem: `${resource} weights are split (${currentValue}): set all weight on one region before a failover`,
  };
}
