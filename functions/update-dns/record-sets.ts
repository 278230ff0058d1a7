import {
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { ResourceNotFoundError, toDrError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import { sameDnsName } from './record-names.ts';

/** The CNAME record sets of the plan's record, as Route 53 has them now (simple: one; weighted: several). */
export async function readRecordSets(route53: Route53Client, dns: Plan['dns']): Promise<ResourceRecordSet[]> {
  try {
    // Listing starts at name+type and runs on through the zone; only the exact name counts.
    // Route 53 sorts a name's weighted records together, so they all fit the default page.
    const { ResourceRecordSets: sets = [] } = await route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: dns.hostedZoneId,
        StartRecordName: dns.record,
        StartRecordType: dns.type,
      }),
    );
    return sets.filter(
      (set) => set.Type === dns.type && set.Name !== undefined && sameDnsName(set.Name, dns.record),
    );
  } catch (error) {
    if (errorName(error) === 'NoSuchHostedZone') {
      throw new ResourceNotFoundError(
        `Hosted zone ${dns.hostedZoneId} (${dns.zoneName}) does not exist: check dns.hostedZoneId in the plan`,
        { cause: error },
      );
    }
    throw toDrError(error, `ListResourceRecordSets ${dns.hostedZoneId} ${dns.record}`);
  }
}

/** What a record set points at, in words for conflicts and the report. */
export function recordValue(set: ResourceRecordSet): string | null {
  if (set.AliasTarget?.DNSName) return `alias ${set.AliasTarget.DNSName}`;
  const values = (set.ResourceRecords ?? [])
    .map((record) => record.Value ?? '')
    .filter((value) => value !== '');
  return values.length === 0 ? null : values.join(', ');
}

export function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;
}
