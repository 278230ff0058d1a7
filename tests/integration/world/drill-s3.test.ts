import { createHash } from 'node:crypto';
import {
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { evidenceBucketName, evidenceKey } from '../../../plan/names.ts';
import { referencePlan } from './support.ts';

const plan = referencePlan();
let world: World;
let bucket: string;
const s3In = (region: string, options: Record<string, unknown> = {}) =>
  new S3Client({
    region,
    endpoint: world.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
    ...options,
  });

beforeAll(async () => {
  world = await startWorld({ plan, scale: 50, schedule: false, alarmTrigger: false });
  bucket = evidenceBucketName(plan, world.models.rds.context.account);
});
afterAll(async () => {
  await world.close();
});

const put = (key: string, body: string) =>
  s3In(plan.regions.dr).send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
  );

describe('the evidence bucket as the CDK app deploys it', () => {
  it('is in the DR region, versioned, encrypted with its own KMS key', async () => {
    // Act
    const s3 = s3In(plan.regions.dr);
    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));

    // Assess
    expect(head.BucketRegion).toBe(plan.regions.dr);
    expect(versioning.Status).toBe('Enabled');
    const rule = encryption.ServerSideEncryptionConfiguration?.Rules?.[0];
    expect(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('aws:kms');
    expect(rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID).toMatch(
      new RegExp(`^arn:aws:kms:${plan.regions.dr}:\\d{12}:key/`),
    );
    expect(rule?.BucketKeyEnabled).toBe(true);
  });
});

describe('S3 objects through the real SDK', () => {
  it('round-trips a report: ETag, a version per PUT, SSE-KMS echoed, older versions readable', async () => {
    // Prepare
    const key = evidenceKey(`${plan.name}-drill`, 'run 1', new Date(world.clock.now()), 'json');
    const first = '{"rto":300}';

    // Act
    const put1 = await put(key, first);
    const put2 = await put(key, '{"rto":280}');
    const latest = await s3In(plan.regions.dr).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const latestBody = await latest.Body?.transformToString();
    const older = await s3In(plan.regions.dr).send(
      new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: put1.VersionId }),
    );
    const head = await s3In(plan.regions.dr).send(new HeadObjectCommand({ Bucket: bucket, Key: key }));

    // Assess
    expect(put1.ETag).toBe(`"${createHash('md5').update(first).digest('hex')}"`);
    expect(put1.VersionId).toBeDefined();
    expect(put2.VersionId).not.toBe(put1.VersionId);
    expect(put1.ServerSideEncryption).toBe('aws:kms');
    expect(put1.SSEKMSKeyId).toMatch(/^arn:aws:kms:/);
    expect(latestBody).toBe('{"rto":280}');
    expect(latest.VersionId).toBe(put2.VersionId);
    expect(latest.ContentType).toBe('application/json');
    expect(await older.Body?.transformToString()).toBe(first);
    expect(head.ContentLength).toBe(Buffer.byteLength('{"rto":280}'));
    expect(head.ServerSideEncryption).toBe('aws:kms');
  });

  it('lists with Prefix, MaxKeys and ContinuationToken (KeyCount per page), and groups by Delimiter', async () => {
    // Prepare
    for (const month of ['01', '02', '03']) {
      await put(`runs/m/2026/${month}/a.json`, '{}');
      await put(`runs/m/2026/${month}/b.json`, '{}');
    }
    const s3 = s3In(plan.regions.dr);

    // Act
    const pages: string[][] = [];
    const counts: number[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'runs/m/', MaxKeys: 4, ContinuationToken: token }),
      );
      pages.push((page.Contents ?? []).map((c) => c.Key ?? ''));
      counts.push(page.KeyCount ?? -1);
      token = page.NextContinuationToken;
    } while (token);
    const grouped = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'runs/m/2026/', Delimiter: '/' }),
    );
    const badToken = await s3
      .send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: 'not-a-token' }))
      .catch((error: unknown) => error);

    // Assess
    expect(pages).toEqual([
      ['runs/m/2026/01/a.json', 'runs/m/2026/01/b.json', 'runs/m/2026/02/a.json', 'runs/m/2026/02/b.json'],
      ['runs/m/2026/03/a.json', 'runs/m/2026/03/b.json'],
    ]);
    expect(counts).toEqual([4, 2]);
    expect(grouped.Contents ?? []).toEqual([]);
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual([
      'runs/m/2026/01/',
      'runs/m/2026/02/',
      'runs/m/2026/03/',
    ]);
    expect(grouped.KeyCount).toBe(3);
    expect((badToken as { name?: string }).name).toBe('InvalidArgument');
  });

  it('answers NoSuchKey, NoSuchBucket and a HEAD of a missing key as S3 does', async () => {
    // Act
    const s3 = s3In(plan.regions.dr);
    const noKey = await s3
      .send(new GetObjectCommand({ Bucket: bucket, Key: 'nope.json' }))
      .catch((e: unknown) => e);
    const noBucket = await s3
      .send(new GetObjectCommand({ Bucket: 'no-such-bucket-here', Key: 'x' }))
      .catch((e: unknown) => e);
    const headMissing = await s3
      .send(new HeadObjectCommand({ Bucket: bucket, Key: 'nope.json' }))
      .catch((e: unknown) => e);

    // Assess
    expect(noKey).toBeInstanceOf(NoSuchKey);
    expect(noBucket).toBeInstanceOf(NoSuchBucket);
    expect((headMissing as { name?: string; $metadata?: { httpStatusCode?: number } }).name).toBe('NotFound');
    expect((headMissing as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(404);
  });

  it('redirects a request signed for the wrong region (PermanentRedirect, x-amz-bucket-region) and the SDK follows it when asked', async () => {
    // Act
    const wrong = await s3In(plan.regions.primary)
      .send(new ListObjectsV2Command({ Bucket: bucket }))
      .catch((e: unknown) => e);
    const followed = await s3In(plan.regions.primary, { followRegionRedirects: true }).send(
      new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }),
    );

    // Assess
    expect((wrong as { name?: string }).name).toBe('PermanentRedirect');
    expect((wrong as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(301);
    expect(followed.Name).toBe(bucket);
  });

  it('honours the fault API: 5xx and an outage of the DR region', async () => {
    // Prepare
    const s3 = s3In(plan.regions.dr);

    // Act
    world.faults.serverErrors('s3', 1, { count: 1 });
    const failed = await s3.send(new HeadBucketCommand({ Bucket: bucket })).catch((e: unknown) => e);
    world.faults.regionOutage(plan.regions.dr);
    const refused = await s3.send(new HeadBucketCommand({ Bucket: bucket })).catch((e: unknown) => e);
    world.faults.regionRecovers(plan.regions.dr);
    const back = await s3.send(new HeadBucketCommand({ Bucket: bucket }));

    // Assess
    expect((failed as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(500);
    // Connection refused: no HTTP answer at all, so no status code.
    expect(refused).toBeInstanceOf(Error);
    expect(
      (refused as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
    ).toBeUndefined();
    expect(back.BucketRegion).toBe(plan.regions.dr);
  });
});
