import { InvalidInputError } from '../../plan/errors.ts';
import { safeText } from '../terminal/safe-text.ts';

/** Where run reports are kept in S3: `s3://BUCKET/PREFIX` (the prefix may be empty). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function isS3Url(text: string): boolean {
  return text.toLowerCase().startsWith('s3://');
}

export function parseS3Url(text: string, flag = 'history'): S3Location {
  const rest = text.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1);
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new InvalidInputError(
      `--${flag}: "${safeText(bucket)}" is not an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens); expected s3://BUCKET/PREFIX, e.g. s3://drctl-shop-evidence-123456789012-us-west-2/runs/`,
      flag,
    );
  }
  if (prefix.length > 1_024) {
    throw new InvalidInputError(`--${flag}: the prefix is longer than S3's 1,024-byte key limit`, flag);
  }
  return { bucket, prefix };
}

export function s3Url(location: S3Location, key?: string): string {
  return `s3://${location.bucket}/${key ?? location.prefix}`;
}
