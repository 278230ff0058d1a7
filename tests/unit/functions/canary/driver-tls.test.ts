import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type DatabaseEndpoint,
  mysqlConnectionOptions,
  postgresClientConfig,
} from '../../../../functions/canary/driver.ts';
import { RDS_CA_FILE } from '../../../../functions/shared/rds-certificates.ts';
import { rdsCertificatePem } from '../../../../infra/lambda/asset-files.ts';
import { ConfigurationError } from '../../../../plan/errors.ts';

const ENDPOINT: DatabaseEndpoint = {
  engine: 'mysql',
  host: 'orders.abcdefghijkl.eu-west-1.rds.amazonaws.com',
  port: 3306,
  database: null,
  username: 'drctl_canary',
  password: 'canary-secret',
  tls: true,
};

/** The subjects' common names of a list of PEM certificates. */
const commonNames = (ca: unknown): string[] =>
  (ca as string[]).map((pem) => /^CN=(.*)$/m.exec(new X509Certificate(pem).subject)?.[1] ?? '');

/**
 * Since Node.js 20 Lambda loads no Amazon CAs, and Node's store does not hold the RDS roots: a
 * verified TLS connection to RDS must be given them, or it can never open in AWS.
 */
describe('the canary verifies RDS server certificates with the RDS certificate authorities', () => {
  const savedRoot = process.env.LAMBDA_TASK_ROOT;
  let assetDir: string;
  beforeEach(() => {
    // Prepare: an asset folder laid out as CDK writes it (the PEM beside the bundle).
    assetDir = mkdtempSync(join(tmpdir(), 'drctl-canary-asset-'));
    writeFileSync(join(assetDir, RDS_CA_FILE), rdsCertificatePem());
    process.env.LAMBDA_TASK_ROOT = assetDir;
  });
  afterEach(() => {
    if (savedRoot === undefined) delete process.env.LAMBDA_TASK_ROOT;
    else process.env.LAMBDA_TASK_ROOT = savedRoot;
  });

  it('gives mysql2 the RDS roots as its only trusted CAs, with verification on, when TLS is on', () => {
    // Act
    const options = mysqlConnectionOptions(ENDPOINT);

    // Assess
    const ssl = options.ssl as { ca: string[]; rejectUnauthorized: boolean; minVersion: string };
    expect(ssl.rejectUnauthorized).toBe(true);
    expect(ssl.minVersion).toBe('TLSv1.2');
    expect(ssl.ca.length).toBeGreaterThan(100);
    expect(commonNames(ssl.ca)).toContain('Amazon RDS eu-west-1 Root CA RSA2048 G1');
  });

  it('gives pg the same CAs and verification for PostgreSQL', () => {
    // Act
    const config = postgresClientConfig({
      ...ENDPOINT,
      engine: 'postgres',
      port: 5432,
      database: 'drctl_canary',
    });

    // Assess
    const ssl = config.ssl as { ca: string[]; rejectUnauthorized: boolean };
    expect(ssl.rejectUnauthorized).toBe(true);
    expect(commonNames(ssl.ca).filter((name) => name.startsWith('Amazon RDS us-east-1 Root CA'))).toEqual([
      'Amazon RDS us-east-1 Root CA RSA2048 G1',
      'Amazon RDS us-east-1 Root CA RSA4096 G1',
      'Amazon RDS us-east-1 Root CA ECC384 G1',
    ]);
  });

  it('reads no certificate file without TLS (the local world)', () => {
    // Prepare
    process.env.LAMBDA_TASK_ROOT = join(assetDir, 'nowhere');

    // Act
    const mysql = mysqlConnectionOptions({ ...ENDPOINT, tls: false });
    const postgres = postgresClientConfig({ ...ENDPOINT, engine: 'postgres', tls: false });

    // Assess
    expect(mysql.ssl).toBeUndefined();
    expect(postgres.ssl).toBe(false);
  });

  it('refuses to connect without the certificate file, naming it and the fix', () => {
    // Prepare
    const missing = join(assetDir, 'nowhere');
    process.env.LAMBDA_TASK_ROOT = missing;

    // Act
    const attempt = () => mysqlConnectionOptions(ENDPOINT);

    // Assess
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(`${join(missing, RDS_CA_FILE)} cannot be read (ENOENT)`);
    expect(attempt).toThrow(/must carry rds-ca\.pem beside index\.cjs .*cdk deploy/);
  });
});
