import { ConfigurationError } from '../../plan/errors.ts';
import { evidenceBucketName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { requireEnv } from '../shared/env.ts';

/**
 * The evidence function's settings, read once at start: the bucket (named by the plan, so that a
 * function of one plan cannot write another's evidence) and the bucket's KMS key, which every
 * object is encrypted with (SSE-KMS; the bucket policy refuses anything else).
 */
export interface EvidenceConfig {
  bucket: string;
  kmsKeyId: string;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** A key id, a key ARN, an alias name or an alias ARN, as PutObject's SSEKMSKeyId takes. */
const KMS_KEY =
  /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+|alias\/[A-Za-z0-9/_-]+|[0-9a-f-]{36}|mrk-[0-9a-f]{32})$/;

export function readEvidenceConfig(plan: Plan, env: NodeJS.ProcessEnv = process.env): EvidenceConfig {
  const { DRCTL_EVIDENCE_BUCKET: bucket, DRCTL_EVIDENCE_KMS_KEY_ID: kmsKeyId } = requireEnv(
    ['DRCTL_EVIDENCE_BUCKET', 'DRCTL_EVIDENCE_KMS_KEY_ID'],
    env,
  );
  if (!BUCKET_NAME.test(bucket)) {
    throw new ConfigurationError(
      `DRCTL_EVIDENCE_BUCKET: "${bucket}" is not an S3 bucket name (3-63 lowercase letters, digits and hyphens)`,
    );
  }
  const prefix = `drctl-${plan.name}-evidence-`;
  const expected = /^\d{12}$/.test(bucket.slice(prefix.length, prefix.length + 12))
    ? evidenceBucketName(plan, bucket.slice(prefix.length, prefix.length + 12))
    : null;
  if (bucket !== expected) {
    throw new ConfigurationError(
      `DRCTL_EVIDENCE_BUCKET: "${bucket}" is not plan ${plan.name}'s evidence bucket (drctl-${plan.name}-evidence-<account>-${plan.regions.dr}, as plan/names.ts evidenceBucketName names it)`,
    );
  }
  if (!KMS_KEY.test(kmsKeyId)) {
    throw new ConfigurationError(
      `DRCTL_EVIDENCE_KMS_KEY_ID: "${kmsKeyId}" is not a KMS key id, key ARN or alias`,
    );
  }
  return { bucket, kmsKeyId };
}
