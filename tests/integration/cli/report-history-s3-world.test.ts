import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/report.ts';
import { startWorld, type World } from '../../../local/index.ts';
import { evidenceBucketName, evidenceKey } from '../../../plan/names.ts';
import { loadFixture } from '../../unit/report/support/fixtures.ts';
import { referencePlan } from '../world/support.ts';
import { scratchDirectory } from './run-cli.ts';

/**
 * `drctl report --history s3://...` against the world's S3 (its REST protocol, as the SDK speaks
 * it): the evidence bucket as the CDK app deploys it, reports written SSE-KMS under the evidence
 * keys, read back with ListObjectsV2 and GetObject.
 */
const plan = referencePlan();
let world: World;
let bucket: string;

beforeAll(async () => {
  world = await startWorld({ plan, scale: 1_000 });
  const account = plan.deployment?.account ?? '000000000000';
  bucket = evidenceBucketName(plan, account);
  const s3 = new S3Client({
    region: plan.regions.dr,
    endpoint: world.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: world.env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: 'local' },
  });
  for (const [day, rto] of [
    [3, 600],
    [10, 740],
    [17, 810],
  ] as const) {
    const report = loadFixture('failover-succeeded');
    report.execution.startedAt = `2026-11-${String(day).padStart(2, '0')}T10:01:33Z`;
    report.execution.name = `run-${day}`;
    report.rto.seconds = rto;
    const key = evidenceKey(
      'shop-failover',
      report.execution.name,
      new Date(report.execution.startedAt),
      'json',
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(report),
        ContentType: 'application/json',
        ServerSideEncryption: 'aws:kms',
      }),
    );
  }
  s3.destroy();
});

afterAll(async () => {
  await world?.close();
});

describe('drctl report --history s3:// against the local world', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', world.env.AWS_ACCESS_KEY_ID ?? 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', world.env.AWS_SECRET_ACCESS_KEY ?? 'local');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    return () => {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    };
  });

  it("charts the evidence bucket's reports with the trend", async () => {
    // Prepare
    const out = join(scratchDirectory(), 'history.html');

    // Act
    const code = await run([
      '--history',
      `s3://${bucket}/runs/shop-failover/`,
      '--endpoint',
      world.endpoint,
      '--region',
      plan.regions.dr,
      '--out',
      out,
    ]);

    // Assess
    expect(code, vi.mocked(console.error).mock.calls.join('\n')).toBe(0);
    expect(console.log).toHaveBeenCalledWith(
      expect.stringContaining(`(3 runs from s3://${bucket}/runs/shop-failover/)`),
    );
    expect(readFileSync(out, 'utf8')).toContain('data-trend="approaching" data-rule="rising"');
  });

  it('exits 2 naming the bucket when it does not exist', async () => {
    // Prepare + Act
    const code = await run([
      '--history',
      's3://drctl-shop-evidence-000000000000-us-west-2/runs/',
      '--endpoint',
      world.endpoint,
      '--region',
      plan.regions.dr,
      '--out',
      join(scratchDirectory(), 'none.html'),
    ]);

    // Assess
    expect(code).toBe(2);
    expect(console.error).toHaveBeenCalledWith(
      expect.stringContaining(
        's3://drctl-shop-evidence-000000000000-us-west-2/runs/: no such bucket (NoSuchBucket)',
      ),
    );
  });

  it('exits 2 when the prefix holds no report', async () => {
    // Prepare + Act
    const code = await run([
      '--history',
      `s3://${bucket}/runs/shop-drill/`,
      '--endpoint',
      world.endpoint,
      '--region',
      plan.regions.dr,
      '--out',
      join(scratchDirectory(), 'empty.html'),
    ]);

    // Assess
    expect(code).toBe(2);
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('no valid run report (*.json) under'));
  });
});
