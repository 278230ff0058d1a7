import { isIPv4, isIPv6 } from 'node:net';
import { AwsError } from '../protocol/errors.ts';
import type { ChangeAction, RecordSet } from './model.ts';

/**
 * What Route 53 refuses in a change batch before it looks at the zone (Route 53 API reference,
 * ChangeResourceRecordSets, and Route 53 quotas): a Comment over 256 characters, more than 1,000
 * changes or ResourceRecord elements, more than 32,000 characters of values, names over 255
 * characters or labels over 63, TTLs outside 0-2147483647, weights outside 0-255, set
 * identifiers outside 1-128 characters, and values that are not of their type (an A record that
 * is not an IPv4 address). Syntax problems are InvalidInput; values Route 53 parses and rejects
 * are InvalidChangeBatch, with Route 53's own wording.
 */
export const ROUTE53_LIMITS = {
  commentCharacters: 256,
  changesPerBatch: 1_000,
  resourceRecordsPerBatch: 1_000,
  valueCharactersPerBatch: 32_000,
  recordsPerZone: 10_000,
  nameCharacters: 255,
  labelCharacters: 63,
} as const;

const invalidInput = (message: string) => new AwsError('InvalidInput', message);

export function checkChangeBatch(actions: ChangeAction[], comment: string | undefined): void {
  if (comment !== undefined && comment.length > ROUTE53_LIMITS.commentCharacters) {
    throw invalidInput(
      `1 validation error detected: Value at 'changeBatch.comment' failed to satisfy constraint: Member must have length less than or equal to ${ROUTE53_LIMITS.commentCharacters}`,
    );
  }
  if (actions.length > ROUTE53_LIMITS.changesPerBatch) {
    throw invalidInput(`A change batch cannot contain more than ${ROUTE53_LIMITS.changesPerBatch} changes.`);
  }
  const values = actions.flatMap((action) => action.record.values);
  if (values.length > ROUTE53_LIMITS.resourceRecordsPerBatch) {
    throw invalidInput(
      `A request cannot contain more than ${ROUTE53_LIMITS.resourceRecordsPerBatch} ResourceRecord elements.`,
    );
  }
  const characters = values.reduce((sum, value) => sum + value.length, 0);
  if (characters > ROUTE53_LIMITS.valueCharactersPerBatch) {
    throw invalidInput(
      `The sum of the number of characters in all Value elements in a request cannot exceed ${ROUTE53_LIMITS.valueCharactersPerBatch}.`,
    );
  }
  for (const { record } of actions) checkRecordSyntax(record);
  const problems = actions.flatMap(({ record }) =>
    record.values.flatMap((value) => valueProblem(record.type, value)),
  );
  if (problems.length > 0) {
    throw new AwsError('InvalidChangeBatch', problems.map((problem) => `[${problem}]`).join(', '));
  }
}

function checkRecordSyntax(record: RecordSet): void {
  const name = record.name.replace(/\.$/, '');
  if (name.length === 0 || name.length > ROUTE53_LIMITS.nameCharacters) {
    throw invalidInput(
      `1 validation error detected: Value at 'changeBatch.changes.member.resourceRecordSet.name' failed to satisfy constraint: Member must have length between 1 and ${ROUTE53_LIMITS.nameCharacters}`,
    );
  }
  if (
    record.ttl !== undefined &&
    !(Number.isInteger(record.ttl) && record.ttl >= 0 && record.ttl <= 2_147_483_647)
  ) {
    throw invalidInput(`Invalid TTL ${String(record.ttl)}: it must be an integer from 0 to 2147483647.`);
  }
  if (
    record.weight !== undefined &&
    !(Number.isInteger(record.weight) && record.weight >= 0 && record.weight <= 255)
  ) {
    throw invalidInput(`Invalid Weight ${String(record.weight)}: it must be an integer from 0 to 255.`);
  }
  if (
    record.setIdentifier !== undefined &&
    (record.setIdentifier.length < 1 || record.setIdentifier.length > 128)
  ) {
    throw invalidInput('SetIdentifier must be 1 to 128 characters long.');
  }
}

function fatal(problem: string, description: string, value: string): string {
  return `Invalid Resource Record: 'FATAL problem: ${problem} (${description}) encountered with '${value.slice(0, 255)}''`;
}

/** Route 53's parse of one value of a record of `type` ([] when it is valid). */
export function valueProblem(type: string, value: string): string[] {
  switch (type) {
    case 'A':
      return isIPv4(value)
        ? []
        : [fatal('ARRDATAIllegalIPv4Address', 'Value is not a valid IPv4 address', value)];
    case 'AAAA':
      return isIPv6(value)
        ? []
        : [fatal('AAAARRDATAIllegalIPv6Address', 'Value is not a valid IPv6 address', value)];
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return domainProblem(value);
    default:
      return [];
  }
}

function domainProblem(value: string): string[] {
  const name = value.replace(/\.$/, '');
  if (name.length === 0) return [fatal('DomainLabelEmpty', 'Domain label is empty', value)];
  if (name.length > ROUTE53_LIMITS.nameCharacters) {
    return [fatal('DomainNameTooLong', 'Domain name is too long', value)];
  }
  for (const label of name.split('.')) {
    if (label.length === 0) return [fatal('DomainLabelEmpty', 'Domain label is empty', value)];
    if (label.length > ROUTE53_LIMITS.labelCharacters) {
      return [fatal('DomainLabelTooLong', 'Domain label is too long', value)];
    }
  }
  return [];
}

/** A path segment of the Route 53 API, percent-decoded, or InvalidInput for a bad escape. */
export function pathSegment(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidInput(`The ${what} in the request path is not valid: bad percent-escape.`);
  }
}
