import { existsSync } from 'node:fs';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { evidenceKeyArn } from '../../../local/assembly/drill-deployment.ts';
import { startWorld, type World } from '../../../local/index.ts';
import { drillStateMachineName, evidenceBucketName, evidenceKey } from '../../../plan/names.ts';
import { referencePlan, worldClient } from './support.ts';

/**
 * The evidence rule as the CDK app wires it: every end of an execution invokes `<plan>-evidence`,
 * which writes the run report (JSON and HTML) to the evidence bucket. It runs where the checkout
 * has functions/evidence (the world loads it when present).
 */
const plan = referencePlan();
const hasEvidence = existsSync(new URL('../../../functions/evidence/handler.ts', import.meta.url));
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe.skipIf(!hasEvidence)('the evidence of a drill', () => {
  it('is written to the evidence bucket as JSON and HTML, SSE-KMS with the bucket key, once the execution ends', async () => {
    // Prepare
    world = await startWorld({ plan, drills: true, scale: 5_000 });
    const w = world;
    await w.runFor(60);
    const machine = w.drill;
    if (!machine) throw new Error('the world deployed no drill machine');
    const account = plan.deployment?.account ?? '111111111111';
    const bucket = evidenceBucketName(plan, account);

    // Act
    const started = machine.start(
      { mode: 'drill', reason: 'evidence', incidentId: 'DRILL-E', requestedBy: 'test' },
      'drill-evidence',
    );
    const done = await machine.wait(started.arn);
    await w.runFor(120);

    // Assess
    const s3 = worldClient(w, S3Client, plan.regions.dr);
    const key = (extension: 'json' | 'html') =>
      evidenceKey(drillStateMachineName(plan), done.name, done.startDate, extension);
    const json = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key('json') }));
    const html = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key('html') }));
    const report = JSON.parse(await (json.Body?.transformToString() ?? Promise.resolve('{}'))) as {
      execution: { arn: string; status: string };
      mode: string;
      rto: unknown;
      rpo: unknown;
    };
    expect(report.execution).toMatchObject({ arn: done.arn, status: done.status });
    // The report's figures are the drill's own (declared outage to served, the canary's RPO).
    const run = JSON.parse(done.output ?? '{}') as {
      rto: { seconds: number; servedAt: string };
      rpo: { seconds: number; writesLost: number; basis: string };
    };
    expect(report.mode).toBe('drill');
    expect(report.rto).toMatchObject({ seconds: run.rto.seconds, servingAt: run.rto.servedAt });
    expect(report.rpo).toMatchObject({
      seconds: run.rpo.seconds,
      writesLost: run.rpo.writesLost,
      basis: run.rpo.basis,
    });
    for (const object of [json, html]) {
      expect(object.ServerSideEncryption).toBe('aws:kms');
      expect(object.SSEKMSKeyId).toBe(evidenceKeyArn(plan, account));
      expect(object.VersionId).toBeDefined();
    }
  }, 60_000);
});
