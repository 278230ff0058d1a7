/**
 * Where a read replica replicates from. RDS reports a same-region source by its identifier and a
 * cross-region source by its ARN (arn:aws:rds:<region>:<account>:db:<identifier>), so the region
 * of a bare identifier is the replica's own region.
 */
export interface ReplicaSource {
  identifier: string;
  region: string;
}

const DB_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d*:db:(.+)$/;

export function parseReplicaSource(reported: string, replicaRegion: string): ReplicaSource {
  const arn = DB_ARN.exec(reported);
  if (arn?.[1] && arn[2]) return { region: arn[1], identifier: arn[2] };
  return { region: replicaRegion, identifier: reported };
}

export function describeSource(source: ReplicaSource): string {
  return `${source.identifier} in ${source.region}`;
}

export function isSameSource(a: ReplicaSource, b: ReplicaSource): boolean {
  // RDS identifiers are case-insensitive (stored lowercase); regions are always lowercase.
  return a.identifier.toLowerCase() === b.identifier.toLowerCase() && a.region === b.region;
}
