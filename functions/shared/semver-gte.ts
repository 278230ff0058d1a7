/**
 * What the Lambda bundles use in place of the `semver` package (infra/lambda/bundle-options.ts
 * aliases it here). The X-Ray SDK that the Powertools Tracer brings calls it in one place, for
 * `gte` alone: its AWS SDK v2 patcher checks `gte(AWS.VERSION, minVersion)` (drctl traces SDK v3
 * clients, so it never even runs; cls-hooked's index, not bundled, would call `gte` only too). The
 * whole package is ~28 KB of bundle that builds some forty regular expressions at every cold
 * start. This is
 * semver's `gte` for the strict versions it accepts (an optional `v`, MAJOR.MINOR.PATCH, a
 * prerelease, build metadata ignored), with the same TypeError on anything else; a test
 * compares it with the real package, and one checks that no other module of a bundle imports it.
 */
const VERSION =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][a-zA-Z0-9-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][a-zA-Z0-9-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

interface Parsed {
  release: [number, number, number];
  prerelease: (string | number)[];
}

function parse(version: unknown): Parsed {
  const text = typeof version === 'string' ? version.trim() : '';
  const match = text.length <= 256 ? VERSION.exec(text) : null;
  if (!match) {
    throw new TypeError(
      typeof version === 'string'
        ? `Invalid Version: ${version}`
        : `Invalid version. Must be a string. Got type "${typeof version}".`,
    );
  }
  const release = [Number(match[1]), Number(match[2]), Number(match[3])] as [number, number, number];
  if (release.some((part) => part > Number.MAX_SAFE_INTEGER))
    throw new TypeError(`Invalid Version: ${version}`);
  const prerelease = match[4] ? match[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [];
  return { release, prerelease };
}

function compareIdentifiers(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

function compare(a: Parsed, b: Parsed): number {
  for (let i = 0; i < 3; i++) {
    const order = compareIdentifiers(a.release[i] as number, b.release[i] as number);
    if (order !== 0) return order;
  }
  // A version with a prerelease is lower than the same version without one.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return b.prerelease.length - a.prerelease.length === 0 ? 0 : a.prerelease.length === 0 ? 1 : -1;
  }
  for (let i = 0; ; i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined && y === undefined) return 0;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const order = compareIdentifiers(x, y);
    if (order !== 0) return order;
  }
}

export function gte(a: unknown, b: unknown): boolean {
  return compare(parse(a), parse(b)) >= 0;
}
