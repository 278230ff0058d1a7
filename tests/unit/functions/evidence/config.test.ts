import { describe, expect, it } from 'vitest';
import { readEvidenceConfig } from '../../../../functions/evidence/config.ts';
import { BUCKET, KMS_KEY, plan } from './fixtures.ts';

describe('the evidence function configuration', () => {
  it('reads the bucket and the KMS key', () => {
    // Prepare
    const env = { DRCTL_EVIDENCE_BUCKET: BUCKET, DRCTL_EVIDENCE_KMS_KEY_ID: KMS_KEY };

    // Act
    const config = readEvidenceConfig(plan, env);

    // Assess
    expect(config).toEqual({ bucket: BUCKET, kmsKeyId: KMS_KEY });
  });

  it.each([
    [{ DRCTL_EVIDENCE_KMS_KEY_ID: KMS_KEY }, 'DRCTL_EVIDENCE_BUCKET'],
    [{ DRCTL_EVIDENCE_BUCKET: BUCKET }, 'DRCTL_EVIDENCE_KMS_KEY_ID'],
    [
      { DRCTL_EVIDENCE_BUCKET: 'Not_A_Bucket', DRCTL_EVIDENCE_KMS_KEY_ID: KMS_KEY },
      'is not an S3 bucket name',
    ],
    [
      {
        DRCTL_EVIDENCE_BUCKET: 'drctl-payroll-evidence-123456789012-us-west-2',
        DRCTL_EVIDENCE_KMS_KEY_ID: KMS_KEY,
      },
      "is not plan shop's evidence bucket",
    ],
    [{ DRCTL_EVIDENCE_BUCKET: BUCKET, DRCTL_EVIDENCE_KMS_KEY_ID: 'my key' }, 'is not a KMS key id'],
  ])('fails fast with a ConfigurationError naming the variable: %j', (env, expected) => {
    // Prepare
    // Act
    const error = (() => {
      try {
        readEvidenceConfig(plan, env);
      } catch (caught) {
        return caught as Error;
      }
      return null;
    })();

    // Assess
    expect(error?.name).toBe('ConfigurationError');
    expect(error?.message).toContain(expected);
  });
});
