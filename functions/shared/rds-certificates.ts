import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError } from '../../plan/errors.ts';

/**
 * The file, beside the bundle (index.cjs), that holds the Amazon RDS certificate authorities in
 * PEM: infra/lambda/asset-files.ts writes it into the asset of every function that opens TLS
 * connections to RDS. Since the Node.js 20 runtime, Lambda loads no Amazon CA certificates by
 * default ("CA certificate loading", AWS Lambda Developer Guide, "Building Lambda functions with
 * Node.js": https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html), and Node's own
 * trust store does not hold the "Amazon RDS <region> Root CA" certificates RDS server certificates
 * chain to: a connection that verifies the server must be given them.
 */
export const RDS_CA_FILE = 'rds-ca.pem';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

const cache = new Map<string, readonly string[]>();

/** Where the file is read from: beside the bundle (LAMBDA_TASK_ROOT on Lambda), else the working directory. */
export function rdsCertificateFile(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.LAMBDA_TASK_ROOT ?? process.cwd(), RDS_CA_FILE);
}

/**
 * The RDS certificate authorities, one PEM string each, as the `ca` of a TLS connection (mysql2's
 * `ssl.ca`, pg's `ssl.ca`). Read on the first connection, not at module start (a function that
 * never opens one never reads it), then kept. A missing or empty file fails with a
 * ConfigurationError naming it and the fix; nothing is connected without it.
 */
export function rdsCertificateAuthorities(file: string = rdsCertificateFile()): readonly string[] {
  const kept = cache.get(file);
  if (kept) return kept;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ConfigurationError(
      `the RDS certificate authorities file ${file} cannot be read (${typeof code === 'string' ? code : String(error)}): TLS to the database verifies the server against them. The function's asset must carry ${RDS_CA_FILE} beside index.cjs (infra/lambda/asset-files.ts writes it when CDK bundles the function): deploy again with cdk deploy`,
    );
  }
  const certificates = text.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) {
    throw new ConfigurationError(
      `the RDS certificate authorities file ${file} holds no PEM certificate: the function's asset must carry ${RDS_CA_FILE} as infra/lambda/asset-files.ts writes it: deploy again with cdk deploy`,
    );
  }
  cache.set(file, certificates);
  return certificates;
}
