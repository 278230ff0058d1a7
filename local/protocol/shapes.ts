/**
 * Conversions between the wire forms of one operation: awsQuery parameters become the same
 * nested object the JSON protocols carry (lists from `.member.N`), and a JSON-shaped result
 * becomes awsQuery XML (lists as `<member>`), which is how CloudWatch speaks all three.
 */
import type { QueryParams } from './query-params.ts';
import { list, type XmlObject, type XmlValue } from './xml.ts';

export type JsonObject = Record<string, unknown>;

export function queryToObject(params: QueryParams): JsonObject {
  const root: JsonObject = {};
  for (const [key, value] of params.values) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      const isLast = i === parts.length - 1;
      const next = parts[i + 1];
      // `member`/`entry` only introduce the numbered items of a list.
      if ((part === 'member' || part === 'entry') && next !== undefined && /^\d+$/.test(next)) continue;
      const slot: string | number = /^\d+$/.test(part) && Array.isArray(node) ? Number(part) - 1 : part;
      const container = node as Record<string | number, unknown>;
      if (isLast) {
        container[slot] = value;
        break;
      }
      const childIsList = next === 'member' || next === 'entry' || (next !== undefined && /^\d+$/.test(next));
      if (container[slot] === undefined) container[slot] = childIsList ? [] : {};
      node = container[slot] as Record<string, unknown> | unknown[];
    }
  }
  return root;
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

export function asString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return String(value);
}

export function asNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
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
  const text = String(value);
  if (/^\d+(\.\d+)?$/.test(text)) return new Date(Number(text) * 1000);
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function asObject(value: unknown): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}
