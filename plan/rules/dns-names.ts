import { stripDot } from '../schema.ts';

/** DNS names compare without case and without the trailing dot (RFC 4343). */
export function dnsKey(name: string): string {
  return stripDot(name).toLowerCase();
}

/** The name is the zone's apex or a name inside the zone. */
export function isInZone(name: string, zoneName: string): boolean {
  const key = dnsKey(name);
  const zone = dnsKey(zoneName);
  return key === zone || key.endsWith(`.${zone}`);
}
