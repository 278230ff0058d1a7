import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../cli/commands/report.ts';
import { startWorld, type World } from '../../../local/index.ts';
import { evidenceBucketName } from '../../../plan/names.ts';
import { runReportSchema } from '../../../report/schema.ts';
import { referencePlan } from '../world/support.ts';
import { scratchDirectory } from './run-cli.ts';

/**
 * A drill's evidence end to end in the world: the drill ends, EventBridge delivers its status
 * change to the evidence function, which writes the run report to the evidence bucket; the
 * report carries the drill's facts, and `drctl report --history s3://` charts it.
 */
const plan = referencePlan();
let world: World | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await world?.close();
  world = undefined;
});

describe("a drill's evidence in the evidence bucket", () => {
  it('holds the drill report with its copies, RTO and cleanup, and report --history s3:// charts it', async () => {
    // Prepare
    world = await startWorld({ plan, drills: true, scale: 1_000 });
    await world.runFor(60);
    const machine = world.drill;
    if (!machine) throw new Error('the world deployed no drill machine');
    const started = machine.start(
      { mode: 'drill', reason: 'evidence test', incidentId: 'EV-1', requestedBy: 'test' },
      'evidence-1',
    );
    await machine.wait(started.arn);
    // EventBridge delivers the status change; the evidence function writes the page, then the JSON.
    await world.runFor(120);
    const bucket = evidenceBucketName(plan, plan.deployment?.account ?? '000000000000');
    const s3 = new S3Client({
      region: plan.regions.dr,
      endpoint: world.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: world.env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: 'local' },
    });

    // Act
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'runs/shop-drill/' }));
    const jsonKey = listed.Contents?.map((o) => o.Key).find((key) => key?.endsWith('/evidence-1.json'));
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: jsonKey }));
    const report = runReportSchema.parse(JSON.parse((await object.Body?.transformToString()) ?? '{}'));
    s3.destroy();
    vi.stubEnv('AWS_ACCESS_KEY_ID', world.env.AWS_ACCESS_KEY_ID ?? 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const code = await run([
      '--history',
      `s3://${bucket}/runs/shop-drill/`,
      '--endpoint',
      world.endpoint,
      '--region',
      plan.regions.dr,
      '--out',
      join(scratchDirectory(), 'history.html'),
    ]);

    // Assess
    expect(listed.Contents?.map((o) => o.Key?.split('/').at(-1)).sort()).toEqual([
      'evidence-1.html',
      'evidence-1.json',
    ]);
    expect([report.target, report.mode, report.outcome]).toEqual(['aws', 'drill', 'drilled']);
    const drill = report.drill;
    if (!drill?.outageAt || !drill.servedAt) throw new Error('no outage or serving time in the evidence');
    expect(report.rto.seconds).toBe((Date.parse(drill.servedAt) - Date.parse(drill.outageAt)) / 1000);
    expect(drill.copies.map((copy) => copy.deletedAt === null)).toEqual([false, false]);
    expect(drill.cleanup?.complete).toBe(true);
    expect(report.rpo.basis).toBe('canary');
    expect(code).toBe(0);
    expect(console.log).toHaveBeenCalledWith(expect.stringContaining('(1 run from s3://'));
  });
});
