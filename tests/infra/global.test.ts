import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  planWith,
  resourcesOf,
  type SynthesizedApp,
  synthesizeOne,
  synthesizeReferenceApp,
} from './reference-app.ts';

describe('global stack (Route 53 and detection)', () => {
  let synth: SynthesizedApp;
  beforeAll(() => {
    synth = synthesizeReferenceApp();
  }, 90_000);

  it('health-checks each regional endpoint at the plan interval and threshold', () => {
    // Prepare
    const checks = Object.values(resourcesOf(synth.templates.global, 'AWS::Route53::HealthCheck'));
    // Act
    const configs = checks.map((c) => c.Properties.HealthCheckConfig as Record<string, unknown>);
    // Assess
    expect(configs.map((c) => c.FullyQualifiedDomainName).sort()).toEqual([
      'dr.shop.example.com',
      'primary.shop.example.com',
    ]);
    for (const config of configs) {
      expect(config).toMatchObject({
        Type: 'HTTPS',
        Port: 443,
        ResourcePath: '/health',
        RequestInterval: 10,
        FailureThreshold: 3,
      });
    }
  });

  it('follows the plan when it asks for standard checks and a longer alarm', () => {
    // Prepare
    const plan = planWith((p) => {
      p.detection = {
        ...p.detection,
        healthCheck: { intervalSeconds: 30, failureThreshold: 5 },
        alarm: { periodSeconds: 120, evaluationPeriods: 3, datapointsToAlarm: 2 },
      };
    });
    // Act
    const global = synthesizeOne(plan, 'global');
    // Assess
    global.allResourcesProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ RequestInterval: 30, FailureThreshold: 5 }),
    });
    global.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Period: 120,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
  });

  it('alarms in us-east-1 on the primary health check, with the plan period and datapoints', () => {
    // Prepare
    const checks = resourcesOf(synth.templates.global, 'AWS::Route53::HealthCheck');
    const primary = Object.entries(checks).find(
      ([, c]) =>
        (c.Properties.HealthCheckConfig as { FullyQualifiedDomainName: string }).FullyQualifiedDomainName ===
        'primary.shop.example.com',
    )?.[0];
    // Assess
    expect(synth.stacks.global.region).toBe('us-east-1');
    synth.templates.global.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-primary-endpoint-unhealthy',
      Namespace: 'AWS/Route53',
      MetricName: 'HealthCheckStatus',
      Dimensions: [{ Name: 'HealthCheckId', Value: { 'Fn::GetAtt': [primary, 'HealthCheckId'] } }],
      Statistic: 'Minimum',
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'missing',
    });
  });

  it('forwards the alarm events to the DR region default event bus', () => {
    // Assess
    synth.templates.global.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: ['arn:aws:cloudwatch:us-east-1:111111111111:alarm:shop-primary-endpoint-unhealthy'],
        detail: { state: { value: ['ALARM'] } },
      },
      Targets: [
        Match.objectLike({
          Arn: 'arn:aws:events:us-west-2:111111111111:event-bus/default',
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
  });

  it('points the simple public record at the primary target', () => {
    // Prepare
    const records = Object.values(resourcesOf(synth.templates.global, 'AWS::Route53::RecordSet'));
    // Assess
    expect(records).toHaveLength(1);
    expect(records[0]?.Properties).toEqual({
      HostedZoneId: 'Z0SHOPEXAMPLE00000001',
      Name: 'www.shop.example.com.',
      Type: 'CNAME',
      TTL: '60',
      ResourceRecords: ['primary.shop.example.com'],
    });
  });

  it('creates weighted records without health checks, so traffic never drifts back by itself', () => {
    // Prepare
    const plan = planWith((p) => {
      p.dns = { ...p.dns, strategy: 'weighted' };
    });
    // Act
    const records = Object.values(resourcesOf(synthesizeOne(plan, 'global'), 'AWS::Route53::RecordSet')).map(
      (r) => r.Properties,
    );
    // Assess
    expect(records.map((r) => [r.SetIdentifier, r.Weight, r.ResourceRecords]).sort()).toEqual([
      ['dr', 0, ['dr.shop.example.com']],
      ['primary', 100, ['primary.shop.example.com']],
    ]);
    for (const record of records) expect(record.HealthCheckId).toBeUndefined();
  });

  it('needs no forwarding when the orchestrator itself runs in us-east-1', () => {
    // Prepare
    const plan = planWith((p) => {
      p.regions = { primary: 'us-west-2', dr: 'us-east-1' };
      for (const db of p.databases) {
        db.primary.region = 'us-west-2';
        db.replica.region = 'us-east-1';
      }
    });
    // Act
    const global = synthesizeOne(plan, 'global');
    const orchestrator = synthesizeOne(plan, 'orchestrator');
    // Assess
    global.resourceCountIs('AWS::Events::Rule', 0);
    orchestrator.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        resources: ['arn:aws:cloudwatch:us-east-1:111111111111:alarm:shop-primary-endpoint-unhealthy'],
      }),
    });
  });
});
