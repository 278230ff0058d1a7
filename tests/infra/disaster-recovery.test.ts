import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { addSecurityChecks, DisasterRecovery } from '../../infra/index.ts';
import { referencePlan } from './reference-app.ts';

describe('DisasterRecovery construct on its own', () => {
  it('adds the whole orchestrator to a team stack from a plan alone, passing the security checks', () => {
    // Prepare
    const plan = referencePlan();
    const app = new App({
      outdir: mkdtempSync(join(tmpdir(), 'drctl-own-')),
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    addSecurityChecks(app);
    const stack = new Stack(app, 'TeamOps', { env: { account: '222222222222', region: plan.regions.dr } });
    // Act
    const dr = new DisasterRecovery(stack, 'Dr', { plan });
    const template = Template.fromStack(stack);
    // Assess
    expect(Object.keys(dr.functions).sort()).toEqual([
      'health-monitor',
      'notify',
      'promote-replica',
      'scale-service',
      'update-dns',
    ]);
    template.resourceCountIs('AWS::Lambda::Function', 5);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    for (const type of ['AWS::EC2::VPC', 'AWS::RDS::DBInstance', 'AWS::ECS::Service', 'AWS::S3::Bucket']) {
      template.resourceCountIs(type, 0);
    }
    expect(() => app.synth()).not.toThrow();
  });
});
