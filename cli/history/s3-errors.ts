import { AccessDeniedError, type DrError, InvalidInputError, toDrError } from '../../plan/errors.ts';
import { credentialsError } from '../drill/credentials.ts';
import { type S3Location, s3Url } from './s3-location.ts';

/**
 * What an S3 failure means for `drctl report --history s3://...`, with the fix: the bucket does
 * not exist (in this account), the identity lacks a permission (naming it and the resource), the
 * credentials are missing or wrong. Anything else keeps the SDK's words, with the operation.
 */
export function s3HistoryError(
  error: unknown,
  operation: 'ListObjectsV2' | 'GetObject',
  location: S3Location,
  key?: string,
): DrError {
  const credentials = credentialsError(error, '--history');
  if (credentials) return credentials;
  const name = (error as Error | undefined)?.name ?? 'Error';
  const where = s3Url(location, key);
  if (name === 'NoSuchBucket') {
    return new InvalidInputError(
      `--history: ${where}: no such bucket (NoSuchBucket). Check the name: the CDK app names it drctl-<plan>-evidence-<account>-<DR region> (the orchestrator stack creates it), and that the credentials are for that account`,
      'history',
    );
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || name === 'AllAccessDisabled') {
    const needs =
      operation === 'ListObjectsV2'
        ? `s3:ListBucket on arn:aws:s3:::${location.bucket}`
        : `s3:GetObject on arn:aws:s3:::${location.bucket}/${key ?? `${location.prefix}*`} and kms:Decrypt on the bucket's KMS key (the reports are SSE-KMS encrypted)`;
    return new AccessDeniedError(
      `--history: ${operation} ${where}: access denied (${name}). The identity needs ${needs}; the bucket also refuses requests without TLS`,
      { cause: error },
    );
  }
  return toDrError(error, `--history: ${operation} ${where}`);
}
