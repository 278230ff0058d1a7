import { createHash, randomBytes } from 'node:crypto';
import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';

/**
 * Amazon S3 as drctl's evidence needs it: buckets (names global, each in one region), objects
 * with versions when the bucket's versioning is Enabled, default encryption, and the SSE each
 * object was stored with. From the S3 API Reference and User Guide:
 * - bucket names: 3-63 characters of lowercase letters, digits, dots and hyphens, starting and
 *   ending with a letter or digit (InvalidBucketName); a name you own already is
 *   BucketAlreadyOwnedByYou (409);
 * - every new object is encrypted: with the request's SSE, else the bucket's default encryption,
 *   else SSE-S3 (AES256) (S3 UG, "Setting default server-side encryption behavior");
 * - a versioned bucket gives each PUT a new version id and keeps the older ones; a DELETE adds a
 *   delete marker; GET without versionId reads the latest version (NoSuchKey if it is a marker);
 * - the ETag of a single-part upload is the MD5 of its bytes, in quotes.
 * Bounds of the world (memory): 16 MiB per object, 10,000 object versions per bucket.
 */
export interface Encryption {
  algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  kmsKeyId: string | undefined;
  bucketKeyEnabled: boolean;
}

export interface ObjectVersion {
  key: string;
  versionId: string;
  deleteMarker: boolean;
  body: Buffer;
  etag: string;
  contentType: string;
  lastModified: Date;
  encryption: Encryption;
  /** Checksum header name (x-amz-checksum-crc32 ...) → value, as uploaded. */
  checksums: Record<string, string>;
  metadata: Record<string, string>;
}

export interface Bucket {
  name: string;
  region: string;
  createdAt: Date;
  versioning: 'Enabled' | 'Suspended' | undefined;
  defaultEncryption: Encryption | undefined;
  publicAccessBlocked: boolean;
  /** Object versions per key, oldest first. */
  objects: Map<string, ObjectVersion[]>;
  versionCount: number;
}

export const MAX_OBJECT_BYTES = 16 * 1024 * 1024;
export const MAX_VERSIONS_PER_BUCKET = 10_000;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class S3Model {
  readonly buckets = new Map<string, Bucket>();
  private readonly context: WorldContext;

  constructor(context: WorldContext) {
    this.context = context;
  }

  createBucket(
    region: string,
    name: string,
    options: {
      versioning?: Bucket['versioning'];
      defaultEncryption?: Encryption;
      publicAccessBlocked?: boolean;
    } = {},
  ): Bucket {
    if (!BUCKET_NAME.test(name) || name.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) {
      throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.');
    }
    if (this.buckets.has(name)) {
      throw new AwsError(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        409,
      );
    }
    const bucket: Bucket = {
      name,
      region,
      createdAt: new Date(this.context.clock.now()),
      versioning: options.versioning,
      defaultEncryption: options.defaultEncryption,
      publicAccessBlocked: options.publicAccessBlocked ?? true,
      objects: new Map(),
      versionCount: 0,
    };
    this.buckets.set(name, bucket);
    return bucket;
  }

  bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) {
      throw Object.assign(new AwsError('NoSuchBucket', 'The specified bucket does not exist.', 404), {
        s3: { BucketName: name },
      });
    }
    return bucket;
  }

  put(
    bucket: Bucket,
    key: string,
    body: Buffer,
    options: {
      contentType?: string;
      encryption?: Encryption;
      checksums?: Record<string, string>;
      metadata?: Record<string, string>;
    },
  ): ObjectVersion {
    if (body.length > MAX_OBJECT_BYTES) {
      throw new AwsError(
        'EntityTooLarge',
        `Your proposed upload exceeds the local world's maximum of ${MAX_OBJECT_BYTES} bytes.`,
      );
    }
    this.roomFor(bucket);
    const version: ObjectVersion = {
      key,
      versionId: this.newVersionId(bucket),
      deleteMarker: false,
      body: Buffer.from(body),
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      contentType: options.contentType ?? 'binary/octet-stream',
      lastModified: new Date(Math.floor(this.context.clock.now() / 1000) * 1000),
      encryption: options.encryption ??
        bucket.defaultEncryption ?? { algorithm: 'AES256', kmsKeyId: undefined, bucketKeyEnabled: false },
      checksums: { ...(options.checksums ?? {}) },
      metadata: { ...(options.metadata ?? {}) },
    };
    this.store(bucket, version);
    return version;
  }

  /** DeleteObject: removes the object (unversioned) or adds a delete marker (versioned). */
  delete(bucket: Bucket, key: string): ObjectVersion | undefined {
    if (bucket.versioning === undefined) {
      const removed = bucket.objects.get(key);
      bucket.objects.delete(key);
      bucket.versionCount -= removed?.length ?? 0;
      return undefined;
    }
    this.roomFor(bucket);
    const marker: ObjectVersion = {
      key,
      versionId: this.newVersionId(bucket),
      deleteMarker: true,
      body: Buffer.alloc(0),
      etag: '',
      contentType: '',
      lastModified: new Date(Math.floor(this.context.clock.now() / 1000) * 1000),
      encryption: { algorithm: 'AES256', kmsKeyId: undefined, bucketKeyEnabled: false },
      checksums: {},
      metadata: {},
    };
    this.store(bucket, marker);
    return marker;
  }

  /** The latest version (or the one named); NoSuchKey / NoSuchVersion as S3 answers. */
  get(bucket: Bucket, key: string, versionId?: string): ObjectVersion {
    const versions = bucket.objects.get(key) ?? [];
    if (versionId !== undefined) {
      const found = versions.find((v) => v.versionId === versionId);
      if (!found) {
        if (versionId !== 'null' && !/^[A-Za-z0-9._-]{1,1024}$/.test(versionId)) {
          throw new AwsError('InvalidArgument', 'Invalid version id specified');
        }
        throw new AwsError('NoSuchVersion', 'The specified version does not exist.', 404);
      }
      return found;
    }
    const latest = versions.at(-1);
    if (!latest || latest.deleteMarker) {
      throw Object.assign(new AwsError('NoSuchKey', 'The specified key does not exist.', 404), {
        deleteMarker: latest?.deleteMarker === true,
      });
    }
    return latest;
  }

  /** The current (not deleted) objects of a bucket, sorted by key as S3 lists them (UTF-8 binary order). */
  current(bucket: Bucket): ObjectVersion[] {
    return [...bucket.objects.values()]
      .map((versions) => versions.at(-1))
      .filter((v): v is ObjectVersion => v !== undefined && !v.deleteMarker)
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }

  private store(bucket: Bucket, version: ObjectVersion): void {
    const versions = bucket.objects.get(version.key) ?? [];
    // Unversioned (or suspended): the new object replaces the one with the `null` version id.
    const kept = version.versionId === 'null' ? versions.filter((v) => v.versionId !== 'null') : versions;
    bucket.versionCount += 1 - (versions.length - kept.length);
    bucket.objects.set(version.key, [...kept, version]);
  }

  private roomFor(bucket: Bucket): void {
    if (bucket.versionCount >= MAX_VERSIONS_PER_BUCKET) {
      throw new AwsError(
        'InvalidRequest',
        `The local world keeps at most ${MAX_VERSIONS_PER_BUCKET} object versions per bucket.`,
      );
    }
  }

  private newVersionId(bucket: Bucket): string {
    return bucket.versioning === 'Enabled' ? randomBytes(24).toString('base64url').slice(0, 32) : 'null';
  }
}
