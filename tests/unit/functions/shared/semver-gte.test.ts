import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { gte } from '../../../../functions/shared/semver-gte.ts';

// The real package (a dependency of the X-Ray SDK's cls-hooked), to hold the replacement to it.
const semver = createRequire(import.meta.url)('semver') as { gte(a: string, b: string): boolean };

const VERSIONS = [
  '0.0.0',
  '1.0.0',
  '1.2.3',
  'v1.2.3',
  ' 1.2.3 ',
  '1.2.3+build.5',
  '1.2.3-alpha',
  '1.2.3-alpha.1',
  '1.2.3-alpha.9',
  '1.2.3-alpha.10',
  '1.2.3-alpha.beta',
  '1.2.3-beta',
  '1.2.3-1',
  '1.2.3-0',
  '1.10.0',
  '2.0.0',
  '8.0.0',
  '24.21.0',
  '2.1379.0',
];
const INVALID = ['x', '1.2', '=1.2.3', '01.2.3', '1.2.3.4', '', '1.2.3-', '1.2.3-01'];

/** What a Lambda bundle resolves `semver` to (infra/lambda/bundle-options.ts). */
describe('semver gte in the Lambda bundles', () => {
  it('agrees with the semver package on every pair of versions', () => {
    // Prepare
    const pairs = VERSIONS.flatMap((a) => VERSIONS.map((b) => [a, b] as const));

    // Act
    const disagreements = pairs.filter(([a, b]) => gte(a, b) !== semver.gte(a, b));

    // Assess
    expect(disagreements).toEqual([]);
  });

  it.each(INVALID)('throws the TypeError semver throws for %j', (version) => {
    // Act
    const ours = () => gte(version, '1.0.0');
    const theirs = () => semver.gte(version, '1.0.0');

    // Assess
    expect(theirs).toThrow(TypeError);
    expect(ours).toThrow(TypeError);
    expect(ours).toThrow(`Invalid Version: ${version}`);
  });
});
