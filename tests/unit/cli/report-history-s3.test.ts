import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type _Object,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/report.ts';
import { readS3Reports } from '../../../cli/history/s3-reports.ts';
import type { RunReport } from '../../../report/schema.ts';
import { loadFixture } from '../report/support/fixtures.ts';

const BUCKET = 'drctl-shop-evidence-123456789012-us-west-2';
const PREFIX = 'runs/shop-failover/';
const s3Mock = mockClient(S3Client);

/** A succeeded failover that started `day` days into November with an RTO of `rto` seconds. */
function runOn(day: number, rto: number): RunReport {
  const report = loadFixture('failover-succeeded');
  const start = `2026-11-${String(day).padStart(2, '0')}T10:01:33Z`;
  report.execution.startedAt = start;
  report.execution.name = `drill-${day}`;
  report.rto.seconds = rto;
  return report;
}

interface Stored {
  key: string;
  body: string;
  modified: Date;
}

function stored(key: string, report: RunReport | string): Stored {
  const body = typeof report === 'string' ? report : JSON.stringify(report);
  const modified =
    typeof report === 'string' ? new Date('2026-11-01T00:00:00Z') : new Date(report.execution.startedAt);
  return { key, body, modified };
}

/** The bucket answers ListObjectsV2 `pageSize` keys at a time and GetObject for each key. */
function serveBucket(objects: readonly Stored[], pageSize = 1_000): void {
  const listing: _Object[] = objects.map((o) => ({
    Key: o.key,
    Size: Buffer.byteLength(o.body),
    LastModified: o.modified,
  }));
  s3Mock.on(ListObjectsV2Command).callsFake((input: { Prefix?: string; ContinuationToken?: string }) => {
    const matching = listing.filter((o) => (o.Key ?? '').startsWith(input.Prefix ?? ''));
    const start = Number(input.ContinuationToken ?? 0);
    const page = matching.slice(start, start + pageSize);
    const more = start + pageSize < matching.length;
    return {
      Contents: page,
      KeyCount: page.length,
      IsTruncated: more,
      ...(more ? { NextContinuationToken: String(start + pageSize) } : {}),
    };
  });
  s3Mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const object = objects.find((o) => o.key === input.Key);
    if (!object) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return {
      ContentLength: Buffer.byteLength(object.body),
      Body: {
        transformToString: async () => object.body,
        transformToWebStream: () => new ReadableStream(),
      },
    };
  });
}

function s3Error(name: string, message: string): S3ServiceException {
  return new S3ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 403 } });
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'drctl-history-s3-'));
}

function errors(): string {
  return vi
    .mocked(console.error)
    .mock.calls.map((call) => String(call[0]))
    .join('\n');
}

describe('drctl report --history s3://BUCKET/PREFIX', () => {
  beforeEach(() => {
    s3Mock.reset();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('charts the same page as --history DIR for the same reports, the trend included', async () => {
    // Prepare: three runs each using more of the 900 s objective, the last two over 80 %
    const reports = [runOn(3, 600), runOn(10, 740), runOn(17, 810)];
    const dir = scratch();
    const folder = join(dir, 'reports');
    mkdirSync(folder);
    reports.forEach((report, i) => {
      writeFileSync(join(folder, `run-${i}.json`), JSON.stringify(report));
    });
    serveBucket(reports.map((report, i) => stored(`run-${i}.json`, report)));

    // Act
    const fromFolder = await run(['--history', folder, '--out', join(dir, 'folder.html')]);
    const fromS3 = await run([
      '--history',
      `s3://${BUCKET}`,
      '--region',
      'us-west-2',
      '--out',
      join(dir, 's3.html'),
    ]);

    // Assess
    expect([fromFolder, fromS3]).toEqual([0, 0]);
    const page = readFileSync(join(dir, 's3.html'), 'utf8');
    expect(page).toBe(readFileSync(join(dir, 'folder.html'), 'utf8'));
    expect(page).toContain('data-trend="approaching" data-rule="rising"');
    expect(console.log).toHaveBeenCalledWith(expect.stringContaining(`(3 runs from s3://${BUCKET}/)`));
  });

  it('pages through ListObjectsV2 and reads only the .json reports under the prefix', async () => {
    // Prepare: 2,500 keys in three pages; one report per page, the rest pages and other files
    const objects: Stored[] = [];
    for (let i = 0; i < 2_497; i++) objects.push(stored(`${PREFIX}2026/11/other-${i}.txt`, 'x'));
    objects.splice(10, 0, stored(`${PREFIX}2026/11/drill-3.json`, runOn(3, 300)));
    objects.splice(1_500, 0, stored(`${PREFIX}2026/11/drill-10.json`, runOn(10, 400)));
    objects.push(stored(`${PREFIX}2026/11/drill-10.html`, '<html></html>'));
    objects.push(stored(`${PREFIX}2026/11/drill-17.json`, runOn(17, 500)));
    objects.push(stored('runs/shop-drill/2026/11/elsewhere.json', runOn(18, 500)));
    serveBucket(objects);
    const s3 = new S3Client({ region: 'us-west-2' });

    // Act
    const history = await readS3Reports(
      s3,
      { bucket: BUCKET, prefix: PREFIX },
      { link: (key) => `link:${key}` },
    );

    // Assess
    expect(s3Mock.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: BUCKET, Prefix: PREFIX, MaxKeys: 1_000 },
      { Bucket: BUCKET, Prefix: PREFIX, MaxKeys: 1_000, ContinuationToken: '1000' },
      { Bucket: BUCKET, Prefix: PREFIX, MaxKeys: 1_000, ContinuationToken: '2000' },
    ]);
    expect(history.listed).toBe(2_501);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(3);
    expect(history.inputs.map((input) => [input.file, input.htmlFile]).sort()).toEqual([
      [`${PREFIX}2026/11/drill-10.json`, `link:${PREFIX}2026/11/drill-10.html`],
      [`${PREFIX}2026/11/drill-17.json`, null],
      [`${PREFIX}2026/11/drill-3.json`, null],
    ]);
    expect(history.skipped).toEqual([]);
    expect(history.notes).toEqual([]);
  });

  it('skips what is not a run report, naming the key, and charts the rest', async () => {
    // Prepare
    const dir = scratch();
    serveBucket([
      stored(`${PREFIX}good.json`, runOn(3, 300)),
      stored(`${PREFIX}broken.json`, '{"schemaVersion": 1,'),
      stored(`${PREFIX}other.json`, '{"hello": "world"}'),
    ]);

    // Act
    const code = await run([
      '--history',
      `s3://${BUCKET}/${PREFIX}`,
      '--region',
      'us-west-2',
      '--out',
      join(dir, 'h.html'),
    ]);

    // Assess
    expect(code).toBe(0);
    expect(errors()).toContain(`skipped s3://${BUCKET}/${PREFIX}broken.json: not JSON`);
    expect(errors()).toContain(`s3://${BUCKET}/${PREFIX}other.json is not a valid drctl run report`);
    expect(readFileSync(join(dir, 'h.html'), 'utf8')).toContain('good.json');
  });

  it('charts the newest --max-reports runs and says how to see older ones', async () => {
    // Prepare
    const s3 = new S3Client({ region: 'us-west-2' });
    serveBucket([1, 2, 3, 4, 5].map((day) => stored(`${PREFIX}drill-${day}.json`, runOn(day, 300))));

    // Act
    const history = await readS3Reports(
      s3,
      { bucket: BUCKET, prefix: PREFIX },
      { limits: { maxReports: 2 } },
    );

    // Assess
    expect(history.inputs.map((input) => input.file).sort()).toEqual([
      `${PREFIX}drill-4.json`,
      `${PREFIX}drill-5.json`,
    ]);
    expect(history.notes).toEqual([
      `5 .json objects under s3://${BUCKET}/${PREFIX}: charted the newest 2 (at most 2 reports and 256 MiB); give a narrower prefix or a larger --max-reports to see older runs`,
    ]);
  });

  it('skips a report deleted between the listing and the read (the lifecycle rule expired it)', async () => {
    // Prepare
    const s3 = new S3Client({ region: 'us-west-2' });
    serveBucket([stored(`${PREFIX}kept.json`, runOn(3, 300))]);
    s3Mock.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: `${PREFIX}kept.json` }, { Key: `${PREFIX}expired.json` }],
      IsTruncated: false,
    });

    // Act
    const history = await readS3Reports(s3, { bucket: BUCKET, prefix: PREFIX });

    // Assess
    expect(history.inputs.map((input) => input.file)).toEqual([`${PREFIX}kept.json`]);
    expect(history.skipped).toEqual([`s3://${BUCKET}/${PREFIX}expired.json: deleted since it was listed`]);
  });

  it('exits 2 for a bucket that does not exist, naming it and how the CDK app names it', async () => {
    // Prepare
    const dir = scratch();
    s3Mock
      .on(ListObjectsV2Command)
      .rejects(new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: {} }));

    // Act
    const code = await run([
      '--history',
      's3://drctl-shop-evidence-typo/runs/',
      '--region',
      'us-west-2',
      '--out',
      join(dir, 'h.html'),
    ]);

    // Assess
    expect(code).toBe(2);
    expect(errors()).toContain(
      '--history: s3://drctl-shop-evidence-typo/runs/: no such bucket (NoSuchBucket)',
    );
    expect(errors()).toContain('drctl-<plan>-evidence-<account>-<DR region>');
    expect(existsSync(join(dir, 'h.html'))).toBe(false);
  });

  it('exits 1 when listing is denied, naming the permission and the bucket', async () => {
    // Prepare
    s3Mock.on(ListObjectsV2Command).rejects(s3Error('AccessDenied', 'Access Denied'));

    // Act
    const code = await run([
      '--history',
      `s3://${BUCKET}/${PREFIX}`,
      '--region',
      'us-west-2',
      '--out',
      join(scratch(), 'h.html'),
    ]);

    // Assess
    expect(code).toBe(1);
    expect(errors()).toContain(
      `--history: ListObjectsV2 s3://${BUCKET}/${PREFIX}: access denied (AccessDenied). The identity needs s3:ListBucket on arn:aws:s3:::${BUCKET}`,
    );
  });

  it('exits 1 when reading a report is denied, naming s3:GetObject on the key and kms:Decrypt', async () => {
    // Prepare
    serveBucket([stored(`${PREFIX}drill-3.json`, runOn(3, 300))]);
    s3Mock.on(GetObjectCommand).rejects(s3Error('AccessDenied', 'Access Denied'));

    // Act
    const code = await run([
      '--history',
      `s3://${BUCKET}/${PREFIX}`,
      '--region',
      'us-west-2',
      '--out',
      join(scratch(), 'h.html'),
    ]);

    // Assess
    expect(code).toBe(1);
    expect(errors()).toContain(
      `s3:GetObject on arn:aws:s3:::${BUCKET}/${PREFIX}drill-3.json and kms:Decrypt`,
    );
  });

  it('exits 2 when no run report is under the prefix, saying where the evidence function writes them', async () => {
    // Prepare
    serveBucket([stored(`${PREFIX}notes.txt`, 'x')]);

    // Act
    const code = await run([
      '--history',
      `s3://${BUCKET}/${PREFIX}`,
      '--region',
      'us-west-2',
      '--out',
      join(scratch(), 'h.html'),
    ]);

    // Assess
    expect(code).toBe(2);
    expect(errors()).toContain(
      `--history: no valid run report (*.json) under s3://${BUCKET}/${PREFIX} (1 objects listed); the evidence function writes them under runs/<state machine>/<yyyy>/<mm>/`,
    );
  });

  it('exits 2 for rejected credentials, saying how to give them', async () => {
    // Prepare
    s3Mock
      .on(ListObjectsV2Command)
      .rejects(s3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist'));

    // Act
    const code = await run([
      '--history',
      `s3://${BUCKET}/`,
      '--region',
      'us-west-2',
      '--out',
      join(scratch(), 'h.html'),
    ]);

    // Assess
    expect(code).toBe(2);
    expect(errors()).toContain(
      '--history: AWS rejected or could not find the credentials (InvalidAccessKeyId)',
    );
  });

  it.each([
    ['s3://', 'is not an S3 bucket name'],
    ['s3://Bad_Bucket/runs/', '"Bad_Bucket" is not an S3 bucket name'],
    ['s3://a..b/runs/', 'is not an S3 bucket name'],
    [`s3://${BUCKET}/${'k'.repeat(1_025)}`, "the prefix is longer than S3's 1,024-byte key limit"],
  ])('exits 2 for a bad URL %s without calling S3', async (url, expected) => {
    // Prepare + Act
    const code = await run(['--history', url, '--region', 'us-west-2']);

    // Assess
    expect(code).toBe(2);
    expect(errors()).toContain(expected);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it.each([
    [['--endpoint', 'localhost:4566'], '--endpoint: expected an http(s) URL'],
    [['--max-reports', '0'], '--max-reports'],
    [['--plan', 'drctl.plan.yaml'], '--plan applies to --execution only'],
  ])('exits 2 for bad options %j without calling S3', async (extra, expected) => {
    // Prepare + Act
    const code = await run(['--history', `s3://${BUCKET}/`, '--region', 'us-west-2', ...extra]);

    // Assess
    expect(code).toBe(2);
    expect(errors()).toContain(expected);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('refuses S3 options for a folder history', async () => {
    // Prepare + Act
    const code = await run(['--history', scratch(), '--endpoint', 'http://127.0.0.1:4566']);

    // Assess
    expect(code).toBe(2);
    expect(errors()).toContain('--endpoint applies to --history s3:// only');
  });
});
