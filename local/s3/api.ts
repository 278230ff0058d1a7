import type { IncomingHttpHeaders } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { touch } from '../mutations.ts';
import { AwsError } from '../protocol/errors.ts';
import { notImplemented, type RawRequest, type RawResponse, type RawService } from '../protocol/raw.ts';
import type { RequestContext } from '../protocol/server.ts';
import { type Bucket, type Encryption, MAX_OBJECT_BYTES, type ObjectVersion, type S3Model } from './model.ts';
import { readPayload } from './payload.ts';
import {
  document,
  element,
  encryptionDocument,
  errorDocument,
  type ListingEntry,
  listBucketsDocument,
  listObjectsV2Document,
} from './xml.ts';

/**
 * S3's REST protocol as the AWS SDK and CLI send it, path-style (`/bucket/key`, what the SDK
 * sends to an IP endpoint or with forcePathStyle) or virtual-hosted (`bucket.localhost`,
 * `bucket.s3.<region>.amazonaws.com`). Operations: ListBuckets, CreateBucket, HeadBucket,
 * GetBucketLocation, Get/PutBucketVersioning, GetBucketEncryption, ListObjectsV2, PutObject,
 * GetObject (versionId, one byte range), HeadObject, DeleteObject; other sub-resources answer
 * NotImplemented (501). A bucket is regional: a request signed for another region is answered
 * 301 PermanentRedirect with `x-amz-bucket-region` (S3 API Reference, "Error responses"; the
 * SDK's followRegionRedirects reads that header), as S3 answers a request sent to a Region's
 * endpoint other than the bucket's.
 */
const BUCKET_SUBRESOURCES = ['location', 'versioning', 'encryption', 'list-type'] as const;
const UNSUPPORTED = [
  'acl',
  'policy',
  'lifecycle',
  'tagging',
  'cors',
  'website',
  'logging',
  'notification',
  'replication',
  'publicAccessBlock',
  'ownershipControls',
  'object-lock',
  'uploads',
  'uploadId',
  'versions',
  'delete',
  'restore',
  'select',
  'attributes',
  'retention',
  'legal-hold',
  'torrent',
  'accelerate',
  'requestPayment',
  'analytics',
  'inventory',
  'metrics',
  'intelligent-tiering',
];
const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

interface Target {
  bucket: string | undefined;
  key: string | undefined;
}

export function s3Api(s3: S3Model, account: string): RawService {
  return {
    service: 's3',
    signingName: 's3',
    bodyLimitBytes: MAX_OBJECT_BYTES + 1024 * 1024,
    operationOf: (request) => operationOf(request),
    handle: (request, context) => handle(s3, account, request, context),
    errorResponse: (error, _request, requestId) => ({
      status: error.status,
      headers: {
        'content-type': 'application/xml',
        'x-amz-request-id': requestId,
        ...((error as AwsError & { headers?: Record<string, string> }).headers ?? {}),
      },
      body: errorDocument(error, requestId),
    }),
    tooLarge: () =>
      new AwsError(
        'EntityTooLarge',
        `Your proposed upload exceeds the local world's maximum of ${MAX_OBJECT_BYTES} bytes.`,
      ),
  };
}

/** The bucket and key a request names, from the Host (virtual-hosted) or the path (path-style). */
function targetOf(request: RawRequest): Target {
  const host = String(request.headers.host ?? '')
    .replace(/:\d+$/, '')
    .toLowerCase();
  const virtual = /^(.+?)\.(?:s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com|s3\.amazonaws\.com|localhost)$/.exec(
    host,
  );
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      throw new AwsError('InvalidURI', "Couldn't parse the specified URI.");
    }
  };
  if (virtual && !/^s3([.-]|$)/.test(virtual[1] ?? '')) {
    const key = request.path.slice(1);
    return { bucket: virtual[1], key: key === '' ? undefined : decode(key) };
  }
  const [, bucket = '', ...rest] = request.path.split('/');
  const key = rest.join('/');
  return { bucket: bucket === '' ? undefined : decode(bucket), key: key === '' ? undefined : decode(key) };
}

function operationOf(request: RawRequest): string | undefined {
  let target: Target;
  try {
    target = targetOf(request);
  } catch {
    return 'Unknown';
  }
  const { method, query } = request;
  if (UNSUPPORTED.some((name) => query.has(name))) return undefined;
  if (target.bucket === undefined) return method === 'GET' ? 'ListBuckets' : undefined;
  if (target.key === undefined) {
    const sub = BUCKET_SUBRESOURCES.find((name) => query.has(name));
    switch (`${method} ${sub ?? ''}`) {
      case 'PUT ':
        return 'CreateBucket';
      case 'HEAD ':
        return 'HeadBucket';
      case 'GET location':
        return 'GetBucketLocation';
      case 'GET versioning':
        return 'GetBucketVersioning';
      case 'PUT versioning':
        return 'PutBucketVersioning';
      case 'GET encryption':
        return 'GetBucketEncryption';
      case 'GET list-type':
        return query.get('list-type') === '2' ? 'ListObjectsV2' : undefined;
      default:
        return undefined;
    }
  }
  if (request.headers['x-amz-copy-source'] !== undefined) return undefined;
  return { PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' }[method];
}

async function handle(
  s3: S3Model,
  account: string,
  request: RawRequest,
  context: RequestContext,
): Promise<RawResponse> {
  const target = targetOf(request);
  const operation = context.operation;
  if (operation === 'ListBuckets') {
    return xmlResponse(listBucketsDocument([...s3.buckets.values()], account));
  }
  const name = target.bucket as string;
  if (operation === 'CreateBucket') {
    touch(context, `arn:aws:s3:::${name}`);
    createBucket(s3, name, request, context.region);
    return { status: 200, headers: { location: `/${name}` } };
  }
  const bucket = regional(s3.bucket(name), context.region);
  const objectArn = `arn:aws:s3:::${name}/${target.key ?? ''}`;
  switch (operation) {
    case 'HeadBucket':
      return { status: 200, headers: { 'x-amz-bucket-region': bucket.region } };
    case 'GetBucketLocation':
      return xmlResponse(document('LocationConstraint', bucket.region === 'us-east-1' ? '' : bucket.region));
    case 'GetBucketVersioning':
      return xmlResponse(document('VersioningConfiguration', element('Status', bucket.versioning)));
    case 'PutBucketVersioning':
      touch(context, `arn:aws:s3:::${name}`);
      putVersioning(bucket, request.body);
      return { status: 200, headers: {} };
    case 'GetBucketEncryption':
      if (!bucket.defaultEncryption) {
        throw new AwsError(
          'ServerSideEncryptionConfigurationNotFoundError',
          'The server side encryption configuration was not found',
          404,
        );
      }
      return xmlResponse(encryptionDocument(bucket.defaultEncryption));
    case 'ListObjectsV2':
      return xmlResponse(listObjectsV2(s3, bucket, request.query));
    case 'PutObject':
      touch(context, objectArn);
      return putObject(s3, bucket, target.key as string, request, context.region, account);
    case 'GetObject':
    case 'HeadObject':
      return getObject(s3, bucket, target.key as string, request);
    case 'DeleteObject': {
      touch(context, objectArn);
      const marker = s3.delete(bucket, target.key as string);
      return {
        status: 204,
        headers: marker ? { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId } : {},
      };
    }
    default:
      throw notImplemented(operation);
  }
}

const xmlResponse = (body: string): RawResponse => ({
  status: 200,
  headers: { 'content-type': 'application/xml' },
  body,
});

/** A bucket in another region answers PermanentRedirect, naming its region. */
function regional(bucket: Bucket, region: string): Bucket {
  if (bucket.region === region) return bucket;
  throw Object.assign(
    new AwsError(
      'PermanentRedirect',
      'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
      301,
    ),
    {
      headers: { 'x-amz-bucket-region': bucket.region },
      s3: { Bucket: bucket.name, Endpoint: `s3.${bucket.region}.amazonaws.com` },
    },
  );
}

function createBucket(s3: S3Model, name: string, request: RawRequest, region: string): void {
  const configuration = request.body.length === 0 ? {} : parse(request.body);
  const constraint = (configuration.CreateBucketConfiguration as { LocationConstraint?: unknown } | undefined)
    ?.LocationConstraint;
  const wanted = typeof constraint === 'string' && constraint !== '' ? constraint : 'us-east-1';
  if (wanted !== region) {
    throw new AwsError(
      'IllegalLocationConstraintException',
      `The ${typeof constraint === 'string' && constraint !== '' ? constraint : 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
  const existing = s3.buckets.get(name);
  if (existing) throw regionalOrOwned(existing, region);
  s3.createBucket(region, name, { publicAccessBlocked: true });
}

function regionalOrOwned(bucket: Bucket, region: string): AwsError {
  regional(bucket, region);
  return new AwsError(
    'BucketAlreadyOwnedByYou',
    'Your previous request to create the named bucket succeeded and you already own it.',
    409,
  );
}

function parse(body: Buffer): Record<string, unknown> {
  try {
    return xml.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new AwsError(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  }
}

function putVersioning(bucket: Bucket, body: Buffer): void {
  const status = (parse(body).VersioningConfiguration as { Status?: unknown } | undefined)?.Status;
  if (status !== 'Enabled' && status !== 'Suspended') {
    throw new AwsError(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  }
  bucket.versioning = status;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function encryptionOf(
  headers: IncomingHttpHeaders,
  bucket: Bucket,
  region: string,
  account: string,
): Encryption | undefined {
  const algorithm = header(headers, 'x-amz-server-side-encryption');
  const keyId = header(headers, 'x-amz-server-side-encryption-aws-kms-key-id');
  const bucketKey = header(headers, 'x-amz-server-side-encryption-bucket-key-enabled');
  if (algorithm === undefined) {
    if (keyId !== undefined) {
      throw new AwsError(
        'InvalidArgument',
        'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
      );
    }
    return undefined;
  }
  if (algorithm !== 'AES256' && algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') {
    throw new AwsError('InvalidArgument', 'The encryption method specified is not supported');
  }
  if (algorithm === 'AES256') {
    if (keyId !== undefined) {
      throw new AwsError(
        'InvalidArgument',
        'x-amz-server-side-encryption-aws-kms-key-id is only allowed with aws:kms.',
      );
    }
    return { algorithm, kmsKeyId: undefined, bucketKeyEnabled: false };
  }
  const fallback =
    bucket.defaultEncryption?.algorithm.startsWith('aws:kms') === true
      ? bucket.defaultEncryption.kmsKeyId
      : `arn:aws:kms:${region}:${account}:alias/aws/s3`;
  return {
    algorithm,
    kmsKeyId: keyId ?? fallback,
    bucketKeyEnabled:
      bucketKey === undefined ? (bucket.defaultEncryption?.bucketKeyEnabled ?? false) : bucketKey === 'true',
  };
}

function putObject(
  s3: S3Model,
  bucket: Bucket,
  key: string,
  request: RawRequest,
  region: string,
  account: string,
): RawResponse {
  if (Buffer.byteLength(key) > 1024) throw new AwsError('KeyTooLongError', 'Your key is too long');
  const encryption = encryptionOf(request.headers, bucket, region, account);
  const { body, checksums } = readPayload(request.body, request.headers);
  const metadata = Object.fromEntries(
    Object.entries(request.headers)
      .filter(([name]) => name.startsWith('x-amz-meta-'))
      .map(([name, value]) => [name.slice('x-amz-meta-'.length), String(value)]),
  );
  const contentType = header(request.headers, 'content-type');
  const stored = s3.put(bucket, key, body, {
    ...(contentType === undefined ? {} : { contentType }),
    ...(encryption === undefined ? {} : { encryption }),
    checksums,
    metadata,
  });
  return {
    status: 200,
    headers: { etag: stored.etag, ...versionHeaders(bucket, stored), ...sseHeaders(stored), ...checksums },
  };
}

function versionHeaders(bucket: Bucket, version: ObjectVersion): Record<string, string> {
  return bucket.versioning === undefined ? {} : { 'x-amz-version-id': version.versionId };
}

function sseHeaders(version: ObjectVersion): Record<string, string> {
  const { encryption } = version;
  return {
    'x-amz-server-side-encryption': encryption.algorithm,
    ...(encryption.kmsKeyId === undefined
      ? {}
      : { 'x-amz-server-side-encryption-aws-kms-key-id': encryption.kmsKeyId }),
    ...(encryption.bucketKeyEnabled ? { 'x-amz-server-side-encryption-bucket-key-enabled': 'true' } : {}),
  };
}

function getObject(s3: S3Model, bucket: Bucket, key: string, request: RawRequest): RawResponse {
  const versionId = request.query.get('versionId') ?? undefined;
  let version: ObjectVersion;
  try {
    version = s3.get(bucket, key, versionId);
  } catch (error) {
    const found = error as AwsError & { deleteMarker?: boolean };
    throw Object.assign(found, {
      s3:
        found.code === 'NoSuchKey'
          ? { Key: key }
          : found.code === 'NoSuchVersion'
            ? { Key: key, VersionId: versionId ?? '' }
            : {},
      headers: found.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {},
    });
  }
  const headers: Record<string, string> = {
    'content-type': version.contentType,
    etag: version.etag,
    'last-modified': version.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    ...versionHeaders(bucket, version),
    ...sseHeaders(version),
    ...Object.fromEntries(
      Object.entries(version.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
    ),
  };
  const range = rangeOf(header(request.headers, 'range'), version.body.length);
  if (range === undefined && header(request.headers, 'x-amz-checksum-mode') === 'ENABLED') {
    Object.assign(headers, version.checksums);
  }
  const body = range ? version.body.subarray(range.start, range.end + 1) : version.body;
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${version.body.length}`;
  headers['content-length'] = String(body.length);
  return { status: range ? 206 : 200, headers, body };
}

/** One `bytes=` range (RFC 9110): start-end, start-, or -suffix; InvalidRange (416) when unsatisfiable. */
function rangeOf(value: string | undefined, size: number): { start: number; end: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const start = match[1] === '' ? Math.max(0, size - Number(match[2])) : Number(match[1]);
  const end = match[1] === '' || match[2] === '' ? size - 1 : Math.min(size - 1, Number(match[2]));
  if (start >= size || start > end) {
    throw Object.assign(new AwsError('InvalidRange', 'The requested range is not satisfiable', 416), {
      headers: { 'content-range': `bytes */${size}` },
    });
  }
  return { start, end };
}

/** ListObjectsV2 (prefix, delimiter, max-keys 0-1000, start-after, continuation-token, encoding-type). */
function listObjectsV2(s3: S3Model, bucket: Bucket, query: URLSearchParams): string {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') || undefined;
  const rawMax = query.get('max-keys');
  const maxKeys = rawMax === null ? 1000 : Number(rawMax);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw new AwsError('InvalidArgument', 'Provided max-keys not an integer or within integer range');
  }
  const limit = Math.min(maxKeys, 1000);
  const encoding = query.get('encoding-type');
  if (encoding !== null && encoding !== 'url')
    throw new AwsError('InvalidArgument', 'Invalid Encoding Method specified in Request');
  const startAfter = query.get('start-after') ?? undefined;
  const token = query.get('continuation-token') ?? undefined;
  const resume = token === undefined ? undefined : decodeToken(token);
  const after = resume?.after ?? startAfter;
  const entries: ListingEntry[] = [];
  let last: { after: string; skip?: string } | undefined;
  let truncated = false;
  for (const object of s3.current(bucket)) {
    if (!object.key.startsWith(prefix)) continue;
    if (after !== undefined && Buffer.compare(Buffer.from(object.key), Buffer.from(after)) <= 0) continue;
    if (resume?.skip !== undefined && object.key.startsWith(resume.skip)) continue;
    const cut = delimiter === undefined ? -1 : object.key.indexOf(delimiter, prefix.length);
    const commonPrefix = cut < 0 ? undefined : object.key.slice(0, cut + (delimiter as string).length);
    if (commonPrefix !== undefined && last?.skip === commonPrefix) continue;
    if (entries.length >= limit) {
      truncated = true;
      break;
    }
    entries.push(commonPrefix === undefined ? { object } : { commonPrefix });
    last = commonPrefix === undefined ? { after: object.key } : { after: object.key, skip: commonPrefix };
  }
  return listObjectsV2Document({
    bucket,
    prefix,
    delimiter,
    maxKeys: limit,
    startAfter,
    continuationToken: token,
    nextContinuationToken: truncated && last ? encodeToken(last) : undefined,
    entries,
    encodeUrl: encoding === 'url',
  });
}

function encodeToken(position: { after: string; skip?: string }): string {
  return Buffer.from(JSON.stringify(position)).toString('base64');
}

function decodeToken(token: string): { after: string; skip?: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      after?: unknown;
      skip?: unknown;
    };
    if (typeof parsed.after !== 'string') throw new Error('no position');
    return { after: parsed.after, ...(typeof parsed.skip === 'string' ? { skip: parsed.skip } : {}) };
  } catch {
    throw new AwsError('InvalidArgument', 'The continuation token provided is incorrect');
  }
}
