import type { Change } from '@aws-sdk/client-route-53';
import { DnsConflictError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';

/** What moving the record to the DR region takes, decided from the records as they are now. */
export interface DnsSwitch {
  /** The record(s) as found, in words. */
  before: string;
  /** The record(s) after the switch, in words. */
  after: string;
  /** The change batch to submit; empty when the record already points at the DR region. */
  changes: Change[];
}

/** The targets a record may legitimately point at, from the plan. */
export interface DnsTargets {
  primary: string;
  dr: string;
}

export function targetsOf(plan: Plan): DnsTargets {
  return { primary: plan.application.primary.target, dr: plan.application.dr.target };
}

/** Compare-and-set failed: the record is not where the plan says it is, so nothing is changed. */
export function dnsConflict(dns: Plan['dns'], found: string, expected: string): DnsConflictError {
  return new DnsConflictError(
    `DNS record ${dns.record} (zone ${dns.hostedZoneId}) is not where the plan expects it, so drctl changed nothing: found ${found}; expected ${expected}. Check who changed the record before failing over by hand.`,
  );
}
