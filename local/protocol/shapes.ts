/**
 * Conversions between the wire forms of one operation: awsQuery parameters become the same
 * nested object the JSON protocols carry (lists from `.member.N`), and a JSON-shaped result
 * becomes awsQuery XML (lists as `<member>`), which is how CloudWatch speaks all three.
 */
import { AwsError } from './errors.ts';
import { numberedChildren, type QueryNode, type QueryParams } from './query-params.ts';
import { list, type XmlObject, type XmlValue } from './xml.ts';

export type JsonObject = Record<string, unknown>;

export function queryToObject(params: QueryParams): JsonObject {
  const root = nodeToJson(params.tree, '') as JsonObject;
  delete root.Action;
  delete root.Version;
  return root;
}

/**
 * One node of the parameter tree as JSON: numbered children (or `member.N` / `entry.N`) make a
 * list, named children an object. Objects have no prototype, so that no parameter name can
 * reach one.
 */
function nodeToJson(node: QueryNode, where: string): unknown {
  if (node.children.size === 0) return node.value ?? '';
  const only = node.children.size === 1 ? [...node.children.keys()][0] : undefined;
  if (only === 'member' || only === 'entry') {
    const list = node.children.get(only) as QueryNode;
    return numberedChildren(list, `${where}.${only}`).map((child) => nodeToJson(child, where));
  }
  if ([...node.children.keys()].every((key) => /^\d+$/.test(key))) {
    return numberedChildren(node, where).map((child) => nodeToJson(child, where));
  }
  const out: JsonObject = Object.create(null);
  for (const [key, child] of node.children)
    out[key] = nodeToJson(child, where === '' ? key : `${where}.${key}`);
  return out;
}

export function objectToXml(value: unknown): XmlValue {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return list('member', value.map(objectToXml));
  if (typeof value === 'object') {
    const out: XmlObject = {};
    for (const [key, child] of Object.entries(value)) out[key] = objectToXml(child);
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/** JSON protocols carry timestamps as epoch seconds. */
export function datesToEpochSeconds(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(datesToEpochSeconds);
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined) out[key] = datesToEpochSeconds(child);
    }
    return out;
  }
  return value;
}

/**
 * Prepares a result for the CBOR encoder: undefined members dropped, timestamps as CBOR tag 1
 * (epoch seconds), which is how rpc-v2-cbor carries them.
 */
export function forCbor(value: unknown, dateToTag: (date: Date) => unknown): unknown {
  if (value instanceof Date) return dateToTag(value);
  if (Array.isArray(value)) return value.map((item) => forCbor(item, dateToTag));
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined) out[key] = forCbor(child, dateToTag);
    }
    return out;
  }
  return value;
}

// ---- reading loosely typed input (strings from awsQuery, numbers from JSON, Dates from CBOR) ----

/** A scalar as a string; a structure or list where a scalar belongs is a SerializationException. */
export function asString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  throw new AwsError('SerializationException', `${jsonKind(value)} can not be converted to a String`);
}

export function asNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'bigint') {
    throw new AwsError('SerializationException', `${jsonKind(value)} can not be converted to a Number`);
  }
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function asDate(value: unknown): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  // CBOR timestamps arrive as tag 1 around epoch seconds.
  if (typeof value === 'object' && (value as { tag?: unknown }).tag === 1) {
    return asDate((value as { value?: unknown }).value);
  }
  if (typeof value !== 'string') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return new Date(Number(value) * 1000);
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A list of scalars as strings (a scalar alone counts as a list of one). */
export function asStrings(value: unknown): string[] {
  return asArray(value).map((item) => asString(item) ?? '');
}

/** A value for an error message: never throws, never long. */
export function shown(value: unknown): string {
  const text =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : jsonKind(value);
  return text.slice(0, 64);
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function asObject(value: unknown): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}

// ---- reading JSON-protocol input strictly (awsJson: ECS, Step Functions) --------------------
//
// AWS's JSON services reject a member of the wrong type with SerializationException (the
// deserializer's own message), before any validation: `"desiredCount": "lots"` is
// "STRING_VALUE can not be converted to an Integer". Members are read as own properties only.

function member(input: JsonObject, name: string): unknown {
  return Object.hasOwn(input, name) ? input[name] : undefined;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (typeof value === 'object') return 'START_OBJECT';
  if (typeof value === 'string') return 'STRING_VALUE';
  if (typeof value === 'boolean') return value ? 'VALUE_TRUE' : 'VALUE_FALSE';
  return 'NUMBER_VALUE';
}

function notA(value: unknown, expected: string): AwsError {
  return new AwsError('SerializationException', `${jsonKind(value)} can not be converted to ${expected}`);
}

export function jsonString(input: JsonObject, name: string): string | undefined {
  const value = member(input, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw notA(value, 'a String');
  return value;
}

export function jsonInteger(input: JsonObject, name: string): number | undefined {
  const value = member(input, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw notA(value, 'an Integer');
  if (value > 2_147_483_647 || value < -2_147_483_648) {
    throw new AwsError('SerializationException', `Numeric value (${value}) out of range of int`);
  }
  return value;
}

export function jsonBoolean(input: JsonObject, name: string): boolean | undefined {
  const value = member(input, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw notA(value, 'a Boolean');
  return value;
}

export function jsonStringList(input: JsonObject, name: string): string[] | undefined {
  const value = member(input, name);
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw notA(value, 'a List');
  return value.map((item) => {
    if (typeof item !== 'string') throw notA(item, 'a String');
    return item;
  });
}
