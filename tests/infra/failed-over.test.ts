import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../plan/schema.ts';
import {
  logicalIdsOf,
  planWith,
  referencePlan,
  resourcesOf,
  synthesizeOne,
  useInfraTimeouts,
} from './reference-app.ts';

useInfraTimeouts();

type Json = Record<string, unknown>;

const failedOver = (change: (p: Parameters<Parameters<typeof planWith>[0]>[0]) => void = () => undefined) =>
  planWith((p) => {
    change(p);
    p.deployment = { ...p.deployment, activeRegion: 'dr' };
  });

const desiredCounts = (template: Template) =>
  Object.fromEntries(
    Object.values(resourcesOf(template, 'AWS::ECS::Service')).map((s) => [
      s.Properties.ServiceName,
      s.Properties.DesiredCount,
    ]),
  );

/**
 * A redeploy after a failover (deployment.activeRegion: dr) must keep the failed-over state:
 * the templates are what CloudFormation would converge the live resources to.
 */
describe('synthesizing in the failed-over state (deployment.activeRegion: dr)', () => {
  let before: Plan;
  let after: Plan;
  const templates: Record<string, { before: Template; after: Template }> = {};
  beforeAll(() => {
    before = referencePlan();
    after = failedOver();
    for (const key of ['dr', 'primary', 'global', 'orchestrator'] as const) {
      templates[key] = { before: synthesizeOne(before, key), after: synthesizeOne(after, key) };
    }
  });
  const t = (key: string) => templates[key] as { before: Template; after: Template };

  it('defaults to the primary region serving', () => {
    // Assess
    expect(before.deployment?.activeRegion).toBe('primary');
  });

  it('keeps the DR services at their DR counts and the old primary services at zero', () => {
    // Assess
    expect(desiredCounts(t('dr').before)).toEqual({ 'shop-web': 0, 'shop-api': 0, 'shop-worker': 0 });
    expect(desiredCounts(t('dr').after)).toEqual({ 'shop-web': 2, 'shop-api': 2, 'shop-worker': 1 });
    expect(desiredCounts(t('primary').after)).toEqual({ 'shop-web': 0, 'shop-api': 0, 'shop-worker': 0 });
  });

  it('keeps the promoted databases standalone, backed up, and the same resources (no replacement)', () => {
    // Act
    const replicas = Object.values(resourcesOf(t('dr').after, 'AWS::RDS::DBInstance')).map(
      (r) => r.Properties,
    );
    // Assess
    expect(replicas).toHaveLength(2);
    for (const db of replicas) {
      expect(db.SourceDBInstanceIdentifier).toBeUndefined();
      expect(db.SourceRegion).toBeUndefined();
      expect(db.BackupRetentionPeriod).toBe(7);
      // StorageEncrypted stays absent: adding it would replace the instance; the DR key encrypts.
      expect(db.StorageEncrypted).toBeUndefined();
      expect(db.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
      expect(db.DeletionProtection).toBe(true);
    }
    expect(logicalIdsOf(t('dr').after, 'AWS::RDS::DBInstance')).toEqual(
      logicalIdsOf(t('dr').before, 'AWS::RDS::DBInstance'),
    );
    for (const db of Object.values(resourcesOf(t('dr').before, 'AWS::RDS::DBInstance'))) {
      expect(db.Properties.SourceDBInstanceIdentifier).toEqual(
        expect.stringMatching(/^arn:aws:rds:us-east-1:/),
      );
    }
  });

  it('fences the old primary as far as a template can: read-only databases, no rotation, a 503 listener', () => {
    // Act
    const parameters = Object.values(resourcesOf(t('primary').after, 'AWS::RDS::DBParameterGroup')).map(
      (p) => p.Properties.Parameters,
    );
    const listeners = Object.values(resourcesOf(t('primary').after, 'AWS::ElasticLoadBalancingV2::Listener'))
      .map((l) => l.Properties)
      .filter((l) => l.Protocol === 'HTTPS');
    // Assess
    expect(parameters).toEqual([
      { require_secure_transport: '1', read_only: '1' },
      { require_secure_transport: '1', read_only: '1' },
    ]);
    t('primary').after.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    // Before: master, application user and write canary of both databases.
    t('primary').before.resourceCountIs('AWS::SecretsManager::RotationSchedule', 6);
    expect(listeners).toHaveLength(1);
    expect(listeners[0]?.DefaultActions).toEqual([
      expect.objectContaining({
        Type: 'fixed-response',
        FixedResponseConfig: expect.objectContaining({ StatusCode: '503' }),
      }),
    ]);
    // The DR region's listener forwards as before.
    const drHttps = Object.values(resourcesOf(t('dr').after, 'AWS::ElasticLoadBalancingV2::Listener')).find(
      (l) => l.Properties.Protocol === 'HTTPS',
    );
    expect(drHttps?.Properties.DefaultActions).toEqual([expect.objectContaining({ Type: 'forward' })]);
    expect(logicalIdsOf(t('primary').after, 'AWS::RDS::DBInstance')).toEqual(
      logicalIdsOf(t('primary').before, 'AWS::RDS::DBInstance'),
    );
  });

  it('keeps the gate records and checks unchanged: where traffic goes lives in the gate metric and alarm', () => {
    // Assess
    for (const type of ['AWS::Route53::RecordSet', 'AWS::Route53::HealthCheck']) {
      expect(t('global').after.findResources(type)).toEqual(t('global').before.findResources(type));
    }
    const gate = (template: Template) =>
      Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).find(
        (a) => a.Properties.AlarmName === 'shop-traffic-gate-closed',
      );
    expect(gate(t('orchestrator').after)).toEqual(gate(t('orchestrator').before));
  });

  it('starts no further failover: the detection rule is kept but disabled', () => {
    // Act
    const trigger = (template: Template) =>
      Object.values(resourcesOf(template, 'AWS::Events::Rule')).find(
        (r) => r.Properties.Name === 'shop-failover-on-alarm',
      )?.Properties;
    // Assess
    expect(trigger(t('orchestrator').before)?.State).toBe('ENABLED');
    expect(trigger(t('orchestrator').after)?.State).toBe('DISABLED');
  });

  it('points the simple record at the DR target and gives the weighted DR record all the weight', () => {
    // Prepare
    const simple = synthesizeOne(
      failedOver((p) => {
        p.dns = { ...p.dns, strategy: 'simple' };
      }),
      'global',
    );
    const weighted = synthesizeOne(
      failedOver((p) => {
        p.dns = { ...p.dns, strategy: 'weighted' };
      }),
      'global',
    );
    // Act
    const records = (template: Template) =>
      Object.values(resourcesOf(template, 'AWS::Route53::RecordSet'))
        .map((r) => r.Properties as Json)
        .filter((r) => r.Name === 'www.shop.example.com.');
    // Assess
    expect(records(simple).map((r) => r.ResourceRecords)).toEqual([['dr.shop.example.com']]);
    expect(
      records(weighted)
        .map((r) => [r.SetIdentifier, r.Weight, r.ResourceRecords])
        .sort(),
    ).toEqual([
      ['dr', 100, ['dr.shop.example.com']],
      ['primary', 0, ['primary.shop.example.com']],
    ]);
  });

  it('gives a promoted PostgreSQL replica the backups RDS keeps none of while it replicates', () => {
    // Prepare
    const postgres = (p: Parameters<Parameters<typeof planWith>[0]>[0]) => {
      for (const db of p.databases) db.engine = 'postgres';
      p.deployment = { ...p.deployment, engineVersion: '16' };
    };
    // Act
    const replicating = synthesizeOne(planWith(postgres), 'dr');
    const promoted = synthesizeOne(failedOver(postgres), 'dr');
    // Assess
    for (const db of Object.values(resourcesOf(replicating, 'AWS::RDS::DBInstance'))) {
      expect(db.Properties.BackupRetentionPeriod).toBeUndefined();
    }
    for (const db of Object.values(resourcesOf(promoted, 'AWS::RDS::DBInstance'))) {
      expect(db.Properties.BackupRetentionPeriod).toBe(7);
      expect(db.Properties.SourceDBInstanceIdentifier).toBeUndefined();
    }
  });
});
