import { S3Client } from '@aws-sdk/client-s3';
import { callKindUserAgent } from '../shared/call-kind.ts';

/**
 * The evidence bucket's client, in the DR region like the bucket, with the settings of the other
 * DR-region clients (functions/shared/clients.ts). An endpoint set through AWS_ENDPOINT_URL(_S3)
 * (the local world, or any S3-compatible store) serves buckets by path, not by host name.
 */
export function evidenceS3Client(region: string, env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({
    region,
    maxAttempts: 3,
    customUserAgent: callKindUserAgent('required'),
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
    forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL),
  });
}
