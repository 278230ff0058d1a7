import { AwsError } from '../protocol/errors.ts';
import type { RestXmlResponse } from '../protocol/server.ts';
import { list } from '../protocol/xml.ts';
import type { Route53Model } from './model.ts';

/**
 * ListHostedZones (GET /2013-04-01/hostedzone), as `aws route53 list-hosted-zones` pages it:
 * `maxitems` (1-100, default 100) and `marker` (the NextMarker of the previous page, a zone id).
 */
export function listHostedZones(route53: Route53Model, query: URLSearchParams): RestXmlResponse {
  const limit = maxItems(query, 100, 100);
  const zones = [...route53.zones.values()].sort((a, b) => a.id.localeCompare(b.id));
  const marker = query.get('marker');
  let start = 0;
  if (marker !== null) {
    start = zones.findIndex((zone) => zone.id === marker.replace(/^\/?hostedzone\//, ''));
    if (start < 0)
      throw new AwsError(
        'InvalidInput',
        `The marker ${marker.slice(0, 64)} is not a hosted zone of this account.`,
      );
  }
  const page = zones.slice(start, start + limit);
  const next = zones[start + limit];
  return {
    root: 'ListHostedZonesResponse',
    body: {
      HostedZones: list(
        'HostedZone',
        page.map((zone) => ({
          Id: `/hostedzone/${zone.id}`,
          Name: zone.name,
          CallerReference: zone.id,
          Config: { PrivateZone: false },
          ResourceRecordSetCount: zone.records.length,
        })),
      ),
      Marker: marker ?? '',
      IsTruncated: next !== undefined,
      NextMarker: next?.id,
      MaxItems: limit,
    },
  };
}

/** `maxitems` of a Route 53 list request: an integer from 1 to `max` (default `fallback`). */
export function maxItems(query: URLSearchParams, max: number, fallback: number): number {
  const raw = query.get('maxitems');
  if (raw === null) return fallback;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1 && value <= max)) {
    throw new AwsError(
      'InvalidInput',
      `1 validation error detected: Value '${raw.slice(0, 32)}' at 'maxItems' failed to satisfy constraint: Member must be an integer from 1 to ${max}`,
    );
  }
  return value;
}
