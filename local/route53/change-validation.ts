import { AwsError } from '../protocol/errors.ts';
import { describeRecord, type RecordSet, routingPolicyOf } from './records.ts';

export interface ChangeAction {
  action: 'CREATE' | 'DELETE' | 'UPSERT';
  record: RecordSet;
}

/** How Route 53 names a change in its InvalidInput messages. */
const changeText = ({ action, record }: ChangeAction) =>
  `Change with [Action=${action}, Name=${record.name}, Type=${record.type}, SetIdentifier=${record.setIdentifier ?? 'null'}]`;

/**
 * A record set that is malformed by itself is refused with InvalidInput before any batch logic,
 * as Route 53 does; the first one found ends the request. Messages follow the ones Route 53
 * returns ("Missing field 'SetIdentifier' in Change with [...]", "Expected exactly one of
 * [Weight, Region, Failover, GeoLocation, or MultiValueAnswer], but found none in Change with
 * [...]"); the "found more than one" variant is modelled on them.
 */
export function refuseMalformed(
  actions: readonly ChangeAction[],
  healthCheckExists: (id: string) => boolean,
): void {
  for (const change of actions) {
    const { record } = change;
    if (record.ttl === undefined) {
      throw new AwsError('InvalidInput', `Invalid request: Expected TTL for the record set ${record.name}`);
    }
    const policies = [record.weight, record.failover].filter((v) => v !== undefined).length;
    if (policies > 0 && record.setIdentifier === undefined) {
      throw new AwsError(
        'InvalidInput',
        `Invalid request: Missing field 'SetIdentifier' in ${changeText(change)}`,
      );
    }
    if (record.setIdentifier !== undefined && policies !== 1) {
      throw new AwsError(
        'InvalidInput',
        `Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, or MultiValueAnswer], but found ${policies === 0 ? 'none' : 'more than one'} in ${changeText(change)}`,
      );
    }
    if (record.healthCheckId !== undefined && !healthCheckExists(record.healthCheckId)) {
      throw new AwsError(
        'NoSuchHealthCheck',
        `A health check with id ${record.healthCheckId} does not exist.`,
        404,
      );
    }
  }
}

/**
 * What Route 53 refuses about the zone the batch would leave (InvalidChangeBatch, the whole
 * batch): routing policies mixed under one name and type, two failover records of the same
 * failover type, a non-alias PRIMARY without a health check, a CNAME beside other records.
 */
export function zoneProblems(next: readonly RecordSet[], zoneName: string): string[] {
  const problems: string[] = [];
  const sameSet = (a: RecordSet, b: RecordSet) => a.name === b.name && a.type === b.type;
  for (const record of next) {
    const others = next.filter((other) => other !== record && sameSet(other, record));
    const policy = routingPolicyOf(record);
    if (others.some((other) => routingPolicyOf(other) !== policy)) {
      // Reported once per name and type: on the simple record, or on the first set-identified one.
      const first = next.find((r) => sameSet(r, record));
      if (first === record || policy === 'simple') {
        problems.push(
          `RRSet with DNS name ${record.name}, type ${record.type} cannot be created because a record set with the same name and type but a different routing policy exists`,
        );
      }
      continue;
    }
    if (policy === 'failover') {
      const twin = others.find((other) => other.failover === record.failover);
      if (twin && next.indexOf(twin) < next.indexOf(record)) {
        problems.push(
          `RRSet with DNS name ${record.name}, type ${record.type}, SetIdentifier ${record.setIdentifier}, and Failover ${record.failover} cannot be created because a failover RRSet with the same name, type and failover type already exists`,
        );
      }
      if (record.failover === 'PRIMARY' && record.healthCheckId === undefined) {
        problems.push(
          'A non-alias primary ResourceRecordSet must have an associated health check. No changes made.',
        );
      }
    }
  }
  // A name may hold a CNAME only if it holds nothing else.
  for (const record of next) {
    if (
      record.type === 'CNAME' &&
      next.some((other) => other.name === record.name && other.type !== 'CNAME')
    ) {
      problems.push(
        `RRSet of type CNAME with DNS name ${record.name} is not permitted as it conflicts with other records with the same DNS name in zone ${zoneName}`,
      );
    }
  }
  return [...new Set(problems)];
}

/** The problems of one change against the records as they are so far (applied in order). */
export function applyChange(next: RecordSet[], change: ChangeAction, zoneName: string): string | undefined {
  const { action, record } = change;
  if (record.name !== zoneName && !record.name.endsWith(`.${zoneName}`)) {
    return `RRSet with DNS name ${record.name} is not permitted in zone ${zoneName}`;
  }
  if (record.values.length === 0) {
    return `Tried to ${action.toLowerCase()} resource record set ${describeRecord(record)} without any ResourceRecords`;
  }
  if (record.type === 'CNAME' && record.values.length > 1) {
    return `RRSet of type CNAME with DNS name ${record.name} is not permitted because it contains more than one resource record`;
  }
  const index = next.findIndex(
    (existing) =>
      existing.name === record.name &&
      existing.type === record.type &&
      (existing.setIdentifier ?? '') === (record.setIdentifier ?? ''),
  );
  const existing = index >= 0 ? next[index] : undefined;
  if (action === 'CREATE') {
    if (existing)
      return `Tried to create resource record set ${describeRecord(record)} but it already exists`;
    next.push(record);
  } else if (action === 'DELETE') {
    if (!existing)
      return `Tried to delete resource record set ${describeRecord(record)} but it was not found`;
    if (!sameContent(existing, record)) {
      return `Tried to delete resource record set ${describeRecord(record)} but the values provided do not match the current values`;
    }
    next.splice(index, 1);
  } else if (existing) next[index] = record;
  else next.push(record);
  return undefined;
}

function sameContent(a: RecordSet, b: RecordSet): boolean {
  const values = (r: RecordSet) =>
    [...r.values]
      .map((v) => (v.endsWith('.') ? v.slice(0, -1) : v).toLowerCase())
      .sort()
      .join(',');
  return (
    a.ttl === b.ttl &&
    (a.weight ?? null) === (b.weight ?? null) &&
    (a.failover ?? null) === (b.failover ?? null) &&
    (a.healthCheckId ?? null) === (b.healthCheckId ?? null) &&
    values(a) === values(b)
  );
}
