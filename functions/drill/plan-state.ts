import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { RDSClient } from '@aws-sdk/client-rds';
import { ResourceNotFoundError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { DnsLookup } from '../shared/dns-lookup.ts';
import { normalizeName } from '../shared/dns-lookup.ts';
import { readDbInstance, replicaSource } from '../shared/read-db-instance.ts';
import { dnsRecordResource, replicaResource } from '../shared/resource-names.ts';
import { gateResource, publicGate, readGate } from '../shared/traffic-gate.ts';

export interface FailedOverReading {
  /** true: production runs (or moves) in the DR region; null: drctl could not tell. */
  failedOver: boolean | null;
  /** Why it is failed over. */
  reasons: string[];
  /** What could not be read (then failedOver is null unless a reason says it is failed over). */
  unknowns: string[];
}

/**
 * Whether the plan is failed over, read only: a DR replica that is no longer a replica (promoted),
 * or the public record's traffic on the DR side (the traffic gate closed; for dns.strategy simple
 * and weighted, DNS answering the DR target). Read failures are thrown (the task retries); a
 * missing replica or gate is "cannot tell", which is never read as "not failed over".
 */
export async function readFailedOver(ports: {
  plan: Plan;
  rds: RDSClient;
  cloudWatch: CloudWatchClient;
  lookup: DnsLookup;
}): Promise<FailedOverReading> {
  const { plan } = ports;
  const reasons: string[] = [];
  const unknowns: string[] = [];
  for (const db of plan.databases) {
    const replica = await readDbInstance(ports.rds, db.replica.identifier, db.replica.region);
    if (replica === null) unknowns.push(`${replicaResource(db)} not found`);
    else if (replicaSource(replica) === null) {
      reasons.push(`${replicaResource(db)} is a standalone instance (promoted), no longer a replica`);
    }
  }
  if (plan.dns.strategy === 'gate') {
    const gate = publicGate(plan);
    try {
      if ((await readGate(ports.cloudWatch, gate)).state === 'closed') {
        reasons.push(
          `the traffic gate is closed (${gateResource(gate)} in ALARM): ${plan.dns.record} answers the DR target`,
        );
      }
    } catch (error) {
      if (!(error instanceof ResourceNotFoundError)) throw error;
      unknowns.push(error.message);
    }
  } else {
    const answer = await ports.lookup(plan.dns.record);
    if ('error' in answer) unknowns.push(`${dnsRecordResource(plan)}: ${answer.error}`);
    else if (answer.targets[0] === normalizeName(plan.application.dr.target)) {
      reasons.push(`${plan.dns.record} resolves to the DR target ${plan.application.dr.target}`);
    }
  }
  const failedOver = reasons.length > 0 ? true : unknowns.length > 0 ? null : false;
  return { failedOver, reasons, unknowns };
}
