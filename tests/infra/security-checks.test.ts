import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { addSecurityChecks, listAcknowledgements } from '../../infra/nag.ts';
import { buildReferenceApp } from '../../infra/reference-app.ts';
import { referencePlan } from './reference-app.ts';

interface ValidationReport {
  pluginReports: { pluginName: string; conclusion: string; violations?: { ruleName: string }[] }[];
}

function readReport(outdir: string): ValidationReport | undefined {
  const file = join(outdir, 'validation-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ValidationReport) : undefined;
}

describe('security checks (cdk-nag AwsSolutions and Serverless)', () => {
  let app: App;
  let outdir: string;
  let synthError: unknown;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'drctl-nag-'));
    app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    buildReferenceApp(app, referencePlan());
    try {
      app.synth();
    } catch (error) {
      synthError = error;
    }
  }, 90_000);

  it('synthesizes every stack with zero unacknowledged findings', () => {
    // Prepare
    const report = readReport(outdir);
    // Act
    const violations = (report?.pluginReports ?? []).flatMap((p) =>
      (p.violations ?? []).map((v) => `${p.pluginName}: ${v.ruleName}`),
    );
    // Assess
    expect(synthError).toBeUndefined();
    expect(violations).toEqual([]);
  });

  it('gives every acknowledgement a finding id and a real reason', () => {
    // Act
    const acknowledged = listAcknowledgements(app);
    // Assess
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledged) {
      expect(id).toMatch(
        /^(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[.+\])?$|^CloudFormation-Validate::[A-Z]\d+$/,
      );
      expect(reason.length).toBeGreaterThanOrEqual(40);
    }
  });

  it('fails synth on a finding nobody acknowledged', () => {
    // Prepare
    const badOut = mkdtempSync(join(tmpdir(), 'drctl-nag-bad-'));
    const bad = new App({ outdir: badOut });
    addSecurityChecks(bad);
    const stack = new Stack(bad, 'Careless', { env: { account: '111111111111', region: 'us-west-2' } });
    new Bucket(stack, 'Unlogged');
    new LambdaFunction(stack, 'NoDeadLetters', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({});'),
    });
    // Act
    const act = () => bad.synth();
    // Assess
    expect(act).toThrow(/AwsSolutions-S1/);
    const rules = (readReport(badOut)?.pluginReports ?? []).flatMap((p) =>
      (p.violations ?? []).map((v) => v.ruleName),
    );
    expect(rules).toEqual(
      expect.arrayContaining([
        'AwsSolutions-S1',
        'AwsSolutions-S10',
        'Serverless-LambdaDLQ',
        'Serverless-LambdaTracing',
      ]),
    );
  });
});
