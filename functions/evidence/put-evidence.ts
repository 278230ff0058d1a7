import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { toDrError } from '../../plan/errors.ts';
import type { EvidenceConfig } from './config.ts';

/**
 * Writes one evidence object, encrypted with the bucket's KMS key, unless the same bytes are
 * already there. EventBridge delivers at least once, so the same execution may arrive twice: the
 * report is built deterministically (its `generatedAt` is the execution's stop time), and an
 * object whose recorded SHA-256 matches is left alone, so a duplicate adds no new version to the
 * versioned bucket. A redriven execution ends again with a new status and rewrites its report.
 */
export interface EvidenceObject {
  key: string;
  body: string;
  contentType: string;
}

export const SHA256_METADATA = 'drctl-sha256';

export function sha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

async function storedSha256(s3: S3Client, bucket: string, key: string): Promise<string | null> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata?.[SHA256_METADATA] ?? null;
  } catch (error) {
    // Missing: 404. Without s3:ListBucket S3 answers 403 for a missing key: then write anyway
    // (PutObject still needs its own permission and says so if it lacks it).
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const name = (error as Error).name;
    if (status === 404 || status === 403 || name === 'NotFound' || name === 'NoSuchKey') return null;
    throw toDrError(error, `HeadObject s3://${bucket}/${key}`);
  }
}

export async function putEvidence(
  s3: S3Client,
  config: EvidenceConfig,
  object: EvidenceObject,
  metadata: Record<string, string>,
): Promise<'written' | 'unchanged'> {
  const digest = sha256(object.body);
  if ((await storedSha256(s3, config.bucket, object.key)) === digest) return 'unchanged';
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: config.bucket,
        Key: object.key,
        Body: Buffer.from(object.body, 'utf8'),
        ContentType: object.contentType,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: config.kmsKeyId,
        BucketKeyEnabled: true,
        Metadata: { ...metadata, [SHA256_METADATA]: digest },
      }),
    );
  } catch (error) {
    throw toDrError(error, `PutObject s3://${config.bucket}/${object.key}`);
  }
  return 'written';
}
