import type { AwsError } from '../protocol/errors.ts';
import { escapeXml } from '../protocol/xml.ts';
import type { Bucket, Encryption, ObjectVersion } from './model.ts';

/**
 * S3's XML documents (namespace http://s3.amazonaws.com/doc/2006-03-01/). S3 flattens its lists
 * (`<Contents>` repeated under the root), so the documents are written here rather than with the
 * query protocol's writer. Errors are `<Error><Code/><Message/>...<RequestId/><HostId/></Error>`
 * with the code's own members (Key, BucketName, Bucket, Endpoint, Region).
 */
export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

const declaration = '<?xml version="1.0" encoding="UTF-8"?>\n';

export const element = (name: string, value: string | number | boolean | undefined): string =>
  value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;

export function document(root: string, body: string): string {
  return `${declaration}<${root} xmlns="${S3_NAMESPACE}">${body}</${root}>`;
}

export function errorDocument(error: AwsError & { s3?: Record<string, string> }, requestId: string): string {
  const members = Object.entries(error.s3 ?? {})
    .map(([name, value]) => element(name, value))
    .join('');
  return `${declaration}<Error>${element('Code', error.code)}${element('Message', error.message)}${members}${element('RequestId', requestId)}${element('HostId', Buffer.from(requestId).toString('base64'))}</Error>`;
}

export interface ListingEntry {
  object?: ObjectVersion;
  commonPrefix?: string;
}

export function listObjectsV2Document(parts: {
  bucket: Bucket;
  prefix: string;
  delimiter: string | undefined;
  maxKeys: number;
  startAfter: string | undefined;
  continuationToken: string | undefined;
  nextContinuationToken: string | undefined;
  entries: ListingEntry[];
  encodeUrl: boolean;
}): string {
  const encode = (text: string) => (parts.encodeUrl ? encodeURIComponent(text).replace(/%2F/g, '/') : text);
  const contents = parts.entries
    .filter((entry) => entry.object)
    .map((entry) => {
      const object = entry.object as ObjectVersion;
      const algorithms = Object.keys(object.checksums).map((name) =>
        element('ChecksumAlgorithm', name.replace('x-amz-checksum-', '').toUpperCase()),
      );
      return `<Contents>${element('Key', encode(object.key))}${element('LastModified', object.lastModified.toISOString())}${element('ETag', object.etag)}${algorithms.join('')}${element('Size', object.body.length)}${element('StorageClass', 'STANDARD')}</Contents>`;
    })
    .join('');
  const prefixes = parts.entries
    .filter((entry) => entry.commonPrefix !== undefined)
    .map(
      (entry) =>
        `<CommonPrefixes>${element('Prefix', encode(entry.commonPrefix as string))}</CommonPrefixes>`,
    )
    .join('');
  return document(
    'ListBucketResult',
    element('Name', parts.bucket.name) +
      element('Prefix', encode(parts.prefix)) +
      element('KeyCount', parts.entries.length) +
      element('MaxKeys', parts.maxKeys) +
      element('Delimiter', parts.delimiter === undefined ? undefined : encode(parts.delimiter)) +
      element('EncodingType', parts.encodeUrl ? 'url' : undefined) +
      element('IsTruncated', parts.nextContinuationToken !== undefined) +
      contents +
      prefixes +
      element('ContinuationToken', parts.continuationToken) +
      element('NextContinuationToken', parts.nextContinuationToken) +
      element('StartAfter', parts.startAfter === undefined ? undefined : encode(parts.startAfter)),
  );
}

export function encryptionDocument(encryption: Encryption): string {
  return document(
    'ServerSideEncryptionConfiguration',
    `<Rule><ApplyServerSideEncryptionByDefault>${element('SSEAlgorithm', encryption.algorithm)}${element('KMSMasterKeyID', encryption.kmsKeyId)}</ApplyServerSideEncryptionByDefault>${element('BucketKeyEnabled', encryption.bucketKeyEnabled)}</Rule>`,
  );
}

export function listBucketsDocument(buckets: Bucket[], owner: string): string {
  const items = buckets
    .map(
      (bucket) =>
        `<Bucket>${element('Name', bucket.name)}${element('CreationDate', bucket.createdAt.toISOString())}${element('BucketRegion', bucket.region)}</Bucket>`,
    )
    .join('');
  return document(
    'ListAllMyBucketsResult',
    `<Owner>${element('ID', owner)}</Owner><Buckets>${items}</Buckets>`,
  );
}
