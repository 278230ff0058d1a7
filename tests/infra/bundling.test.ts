import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUsers } from '../../infra/application/database-users.ts';
import { CanaryFunction } from '../../infra/drills/canary-function.ts';
import { rdsCertificatePem } from '../../infra/lambda/asset-files.ts';
import { BUNDLE_FILE } from '../../infra/lambda/bundle-options.ts';
import { OrchestratorStack } from '../../infra/stacks/orchestrator-stack.ts';
import { evidenceBucketName } from '../../plan/names.ts';
import { referencePlan, useInfraTimeouts } from './reference-app.ts';

/** Lambda's runtime loads an index.cjs with require() (infra/lambda/bundle-options.ts BUNDLE_FILE). */
function loadLikeLambda(file: string): { handler?: unknown } {
  return createRequire(import.meta.url)(file) as { handler?: unknown };
}

useInfraTimeouts();

/**
 * esbuild bundles ten functions for real: ~100 s on a loaded 2-core machine. These apps bundle
 * but skip CDK's built-in CloudFormation validator (see templateApp in reference-app.ts).
 */
const BUNDLE_HOOK_TIMEOUT_MS = 360_000;

const FUNCTIONS = [
  'health-monitor',
  'promote-replica',
  'scale-service',
  'update-dns',
  'notify',
  'primary-probe',
  'approval',
  'fence-primary',
  'drill',
  'evidence',
];

/** The one test that bundles the real functions/ with esbuild, as `cdk synth` and `cdk deploy` do. */
describe('function bundles', () => {
  const plan = referencePlan();
  let assetDirs: Record<string, string>;
  beforeAll(() => {
    for (const name of FUNCTIONS) {
      const entry = join(import.meta.dirname, '..', '..', 'functions', name, 'handler.ts');
      if (!existsSync(entry)) throw new Error(`functions/${name}/handler.ts is missing: infra bundles it`);
    }
    const outdir = mkdtempSync(join(tmpdir(), 'drctl-bundle-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new OrchestratorStack(app, 'bundled', { plan });
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    assetDirs = {};
    for (const fn of Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
      const key = (fn.Properties.Code as { S3Key: string }).S3Key;
      const name = (fn.Properties.FunctionName as string).replace(`${plan.name}-`, '');
      assetDirs[name] = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
    }
  }, BUNDLE_HOOK_TIMEOUT_MS);

  it('bundles each handler as a minified CommonJS file with a source map and the validated plan', () => {
    // Assess
    expect(Object.keys(assetDirs).sort()).toEqual([...FUNCTIONS].sort());
    for (const dir of Object.values(assetDirs)) {
      expect(existsSync(join(dir, BUNDLE_FILE))).toBe(true);
      expect(existsSync(join(dir, `${BUNDLE_FILE}.map`))).toBe(true);
      expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'))).toEqual(plan);
      expect(existsSync(join(dir, 'rds-ca.pem')), 'only the bundles that connect to RDS carry its CAs').toBe(
        false,
      );
    }
  });

  it('validates with zod/mini only: no bundle carries zod full API (~420 KB), which names its classes Zod*', () => {
    // Assess
    for (const [name, dir] of Object.entries(assetDirs)) {
      const bundle = readFileSync(join(dir, BUNDLE_FILE), 'utf8');
      // (Checked with includes: a failing toContain would print the whole bundle.) Mini's classes
      // are "ZodMiniType" and the core's "$ZodType"; "ZodType" is the full API's base class.
      expect(bundle.includes('"ZodType"'), `${name} bundles zod's full API`).toBe(false);
      expect(bundle.includes('"ZodMiniType"'), `${name} validates with zod/mini`).toBe(true);
    }
  });

  it.each(FUNCTIONS)('loads the %s bundle the way Lambda does and finds its handler', async (name) => {
    // Prepare
    const dir = assetDirs[name] as string;
    process.env.DRCTL_PLAN_FILE = 'plan.json';
    process.env.DRCTL_TOPIC_ARN = `arn:aws:sns:${plan.regions.dr}:111111111111:${plan.notifications.topicName}`;
    process.env.LAMBDA_TASK_ROOT = dir;
    process.env.AWS_REGION = plan.regions.dr;
    // The evidence function reads its bucket and key once, at load (as CDK sets them).
    process.env.DRCTL_EVIDENCE_BUCKET = evidenceBucketName(plan, '111111111111');
    process.env.DRCTL_EVIDENCE_KMS_KEY_ID = `arn:aws:kms:${plan.regions.dr}:111111111111:key/0b9e1f3a-6d2c-4a51-9f0e-2b7c8d4e5f60`;
    // Act
    const module = loadLikeLambda(join(dir, BUNDLE_FILE));
    // Assess
    expect(typeof module.handler).toBe('function');
  });
});

/** The write canary runs in the application stacks' VPCs: bundled there, with the plan. */
describe('write canary bundle', () => {
  it('bundles functions/canary/handler.ts with the plan, and the bundle loads and exports the handler', async () => {
    // Prepare
    const plan = referencePlan();
    const outdir = mkdtempSync(join(tmpdir(), 'drctl-canary-bundle-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'canary', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const databases = new SecurityGroup(stack, 'Databases', { vpc });
    new CanaryFunction(stack, 'Canary', {
      plan,
      role: 'writer',
      vpc,
      databaseSecurityGroup: databases,
      deadLetterQueue: new Queue(stack, 'DeadLetters'),
    });
    // Act
    const template = app.synth().getStackByName(stack.stackName).template as {
      Resources: Record<string, { Type: string; Properties: { Code?: { S3Key: string } } }>;
    };
    const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
    const dir = join(outdir, `asset.${fn?.Properties.Code?.S3Key.replace(/\.zip$/, '')}`);
    process.env.DRCTL_PLAN_FILE = 'plan.json';
    process.env.LAMBDA_TASK_ROOT = dir;
    process.env.AWS_REGION = plan.regions.primary;
    const module = loadLikeLambda(join(dir, BUNDLE_FILE));
    // Assess
    expect(typeof module.handler).toBe('function');
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'))).toEqual(plan);
    expect(readFileSync(join(dir, 'rds-ca.pem'), 'utf8'), 'the RDS certificate authorities').toBe(
      rdsCertificatePem(),
    );
  });
});

/** The deploy-time database user setup bundles the MySQL and PostgreSQL drivers, with the RDS CAs beside them. */
describe('database user setup bundle', () => {
  it('bundles handler.ts with both drivers, and the bundle loads and exports the handler', async () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'drctl-users-bundle-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'users', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const databases = new SecurityGroup(stack, 'Databases', { vpc });
    new DatabaseUsers(stack, 'Users', { vpc, databaseSecurityGroup: databases, ports: [3306] });
    // Act
    const template = app.synth().getStackByName(stack.stackName).template as {
      Resources: Record<string, { Type: string; Properties: { Code?: { S3Key: string } } }>;
    };
    const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
    const dir = join(outdir, `asset.${fn?.Properties.Code?.S3Key.replace(/\.zip$/, '')}`);
    const bundle = readFileSync(join(dir, BUNDLE_FILE), 'utf8');
    const module = loadLikeLambda(join(dir, BUNDLE_FILE));
    // Assess
    expect(typeof module.handler).toBe('function');
    // (Checked with includes: a failing toContain would print the whole 1.4 MB bundle.)
    expect(bundle.includes('caching_sha2_password'), 'mysql2 (MySQL 8 authentication)').toBe(true);
    expect(bundle.includes('SCRAM-SHA-256'), 'pg (PostgreSQL authentication)').toBe(true);
    expect(readFileSync(join(dir, 'rds-ca.pem'), 'utf8'), 'the RDS certificate authorities').toBe(
      rdsCertificatePem(),
    );
    expect(existsSync(join(dir, 'plan.json')), 'no plan: it acts on resource properties').toBe(false);
  });
});
