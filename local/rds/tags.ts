import { AwsError } from '../protocol/errors.ts';

/**
 * RDS resource tags, validated as the RDS API reference documents the Tag shape: a key of 1-128
 * Unicode characters, a value of 0-256, neither prefixed with `aws:` or `rds:`, both limited to
 * Unicode letters, digits, white space and `_ . : / = + - @`; at most 50 tags per resource (RDS
 * User Guide, "Tagging Amazon RDS resources"). Adding a key that exists replaces its value.
 */
export interface Tag {
  Key: string;
  Value: string;
}

export const MAX_TAGS_PER_RESOURCE = 50;
const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const RESERVED = /^(aws|rds):/i;

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterValue', message);
}

/** Refuses a tag RDS would refuse (naming the key), before anything changes. */
export function validateTag(tag: { Key: string | undefined; Value: string | undefined }): Tag {
  const key = tag.Key ?? '';
  const value = tag.Value ?? '';
  const shownKey = key.slice(0, 128);
  if ([...key].length < 1 || [...key].length > 128) {
    throw invalid(`Tag key '${shownKey}' must be 1 to 128 characters long.`);
  }
  if ([...value].length > 256) throw invalid(`The value of tag '${shownKey}' is longer than 256 characters.`);
  if (RESERVED.test(key) || RESERVED.test(value)) {
    throw invalid(`Tag '${shownKey}': keys and values can't start with aws: or rds:, which are reserved.`);
  }
  if (!ALLOWED.test(key) || !ALLOWED.test(value)) {
    throw invalid(
      `Tag '${shownKey}' holds a character tags can't hold (allowed: letters, digits, spaces and _ . : / = + - @).`,
    );
  }
  return { Key: key, Value: value };
}

/** The tags after adding `added` (a key that exists gets the new value), or an error naming the limit. */
export function withTags(current: readonly Tag[], added: readonly Tag[], resource: string): Tag[] {
  const next = current.map((tag) => ({ ...tag }));
  for (const tag of added) {
    const existing = next.find((t) => t.Key === tag.Key);
    if (existing) existing.Value = tag.Value;
    else next.push({ ...tag });
  }
  if (next.length > MAX_TAGS_PER_RESOURCE) {
    throw invalid(
      `${resource} would have ${next.length} tags; a resource can have at most ${MAX_TAGS_PER_RESOURCE}.`,
    );
  }
  return next;
}

export function withoutTags(current: readonly Tag[], keys: readonly string[]): Tag[] {
  const removed = new Set(keys);
  return current.filter((tag) => !removed.has(tag.Key)).map((tag) => ({ ...tag }));
}
