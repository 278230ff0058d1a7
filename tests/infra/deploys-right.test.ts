import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { addSecurityChecks } from '../../infra/nag.ts';
import { buildReferenceApp } from '../../infra/reference-app.ts';
import { ApplicationStack } from '../../infra/stacks/application-stack.ts';
import { FoundationStack } from '../../infra/stacks/foundation-stack.ts';
import { InvalidPlanError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import {
  planWith,
  referencePlan,
  resourcesOf,
  type SynthesizedApp,
  synthesizeOne,
  synthesizeReferenceApp,
  templateApp,
  useInfraTimeouts,
} from './reference-app.ts';

useInfraTimeouts();

type Json = Record<string, unknown>;

/** Issue 11 item 3: the stacks deploy right, point by point of the review's findings. */
describe('stacks that deploy right', () => {
  let synth: SynthesizedApp;
  beforeAll(() => {
    synth = synthesizeReferenceApp();
  });
  const all = () => Object.entries(synth.templates) as [string, Template][];

  describe('listeners and health checks agree with the plan', () => {
    const ingressPorts = (template: Template) =>
      Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroup'))
        .filter((g) => /load balancer/i.test(String(g.Properties.GroupDescription)))
        .flatMap((g) =>
          ((g.Properties.SecurityGroupIngress ?? []) as Json[]).map((r) => r.FromPort as number),
        )
        .sort((a, b) => a - b);

    it('serves the https:// health URLs on HTTPS 443 with the plan certificates, as Route 53 probes them', () => {
      // Assess
      for (const role of ['primary', 'dr'] as const) {
        const template = synth.templates[role];
        const listeners = Object.values(resourcesOf(template, 'AWS::ElasticLoadBalancingV2::Listener')).map(
          (l) => l.Properties,
        );
        expect(listeners.map((l) => [l.Protocol, l.Port]).sort()).toEqual([
          ['HTTP', 80],
          ['HTTPS', 443],
        ]);
        expect(listeners.find((l) => l.Protocol === 'HTTPS')?.Certificates).toEqual([
          { CertificateArn: synth.plan.deployment?.certificateArns?.[role] },
        ]);
        expect(ingressPorts(template)).toEqual([80, 443]);
      }
      for (const check of Object.values(resourcesOf(synth.templates.global, 'AWS::Route53::HealthCheck'))) {
        const config = check.Properties.HealthCheckConfig as Json;
        if (config.Type === 'CLOUDWATCH_METRIC') continue;
        expect(config).toMatchObject({ Type: 'HTTPS', Port: 443, EnableSNI: true, ResourcePath: '/health' });
      }
    });

    it('forwards (never redirects) an http:// health URL on its own port, as Route 53 counts a 301 healthy', () => {
      // Prepare
      const plan = planWith((p) => {
        p.application.primary.healthUrl = 'http://primary.shop.example.com:8080/ready?deep=1';
      });
      // Act
      const primary = synthesizeOne(plan, 'primary');
      const global = synthesizeOne(plan, 'global');
      const listeners = Object.values(resourcesOf(primary, 'AWS::ElasticLoadBalancingV2::Listener')).map(
        (l) => l.Properties,
      );
      // Assess
      expect(listeners.map((l) => [l.Protocol, l.Port, (l.DefaultActions as Json[])[0]?.Type])).toEqual([
        ['HTTP', 8080, 'forward'],
      ]);
      expect(ingressPorts(primary)).toEqual([8080]);
      primary.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        HealthCheckPath: '/ready?deep=1',
      });
      global.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: {
          Type: 'HTTP',
          Port: 8080,
          ResourcePath: '/ready?deep=1',
          FullyQualifiedDomainName: 'primary.shop.example.com',
          RequestInterval: 10,
          FailureThreshold: 3,
        },
      });
    });

    it('refuses an https:// health URL without a certificate, or a certificate of another region, naming the field', () => {
      // Prepare
      const noCertificate = structuredClone(referencePlan());
      delete noCertificate.deployment?.certificateArns;
      const wrongRegion = structuredClone(referencePlan());
      if (wrongRegion.deployment?.certificateArns) {
        wrongRegion.deployment.certificateArns.dr = 'arn:aws:acm:us-east-1:111111111111:certificate/abc';
      }
      // Act
      const failures = [noCertificate, wrongRegion].map((plan) => buildError(plan));
      // Assess
      expect(failures[0]).toBeInstanceOf(InvalidPlanError);
      expect(failures[0]?.issues).toEqual([
        expect.stringMatching(
          /^deployment\.certificateArns\.primary: .*needs an ACM certificate in us-east-1/,
        ),
        expect.stringMatching(/^deployment\.certificateArns\.dr: .*needs an ACM certificate in us-west-2/),
      ]);
      expect(failures[1]?.field).toBe('deployment.certificateArns.dr');
      expect(failures[1]?.message).toMatch(/must be an ACM certificate ARN in us-west-2/);
    });
  });

  describe('notifications reach people', () => {
    it("lets only this stack's named alarms publish to the topic (SourceAccount, SourceArn) and still denies non-TLS", () => {
      // Prepare
      const template = synth.templates.orchestrator;
      const notifying = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))
        .filter((a) => JSON.stringify(a.Properties.AlarmActions ?? []).includes('Topic'))
        .map((a) => `:cloudwatch:us-west-2:111111111111:alarm:${a.Properties.AlarmName}`)
        .sort();
      // Act
      const [policy] = Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy'));
      const statements =
        (policy?.Properties.PolicyDocument as { Statement: Json[] } | undefined)?.Statement ?? [];
      const cloudwatch = statements.find((s) =>
        JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'),
      );
      const sourceArns = ((cloudwatch?.Condition as Json | undefined)?.ArnEquals as Json | undefined)?.[
        'aws:SourceArn'
      ] as unknown[];
      // Assess
      expect(cloudwatch).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish' });
      expect((cloudwatch?.Condition as Json | undefined)?.StringEquals).toEqual({
        'aws:SourceAccount': '111111111111',
      });
      expect(
        sourceArns
          .map(joined)
          .map((arn) => arn.replace(/^arn:.*?(?=:cloudwatch)/, ''))
          .sort(),
      ).toEqual(notifying);
      expect(notifying.length).toBeGreaterThanOrEqual(10);
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      );
    });

    it('puts aws:SourceAccount and aws:SourceArn on every KMS key statement for a service principal', () => {
      // Act
      const statements = all().flatMap(([, template]) =>
        Object.values(resourcesOf(template, 'AWS::KMS::Key')).flatMap(
          (key) => (key.Properties.KeyPolicy as { Statement: Json[] }).Statement,
        ),
      );
      const forServices = statements.filter((s) => JSON.stringify(s.Principal ?? {}).includes('Service'));
      // Assess
      expect(forServices.length).toBeGreaterThan(0);
      for (const statement of forServices) {
        const condition = statement.Condition as Record<string, Json>;
        expect(condition.StringEquals?.['aws:SourceAccount']).toBe('111111111111');
        expect(condition.ArnEquals?.['aws:SourceArn']).toEqual(expect.any(Array));
        expect(condition.StringEquals?.['kms:EncryptionContext:aws:sns:topicArn']).toBeDefined();
      }
    });

    it('alarms on every dead-letter queue of every stack, keeping the alarm when SQS stops reporting', () => {
      for (const [key, template] of all()) {
        // Prepare
        const queues = Object.keys(resourcesOf(template, 'AWS::SQS::Queue'));
        // Act
        const watched = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))
          .filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')
          .map((a) => {
            const [dimension] = a.Properties.Dimensions as { Value: { 'Fn::GetAtt': [string] } }[];
            expect(a.Properties).toMatchObject({ Threshold: 1, TreatMissingData: 'ignore' });
            return dimension?.Value['Fn::GetAtt'][0];
          });
        // Assess
        expect([key, watched.sort()]).toEqual([key, queues.sort()]);
      }
    });

    it('watches the watchers: errors and silence of health-monitor and primary-probe', () => {
      // Act
      const alarms = Object.values(resourcesOf(synth.templates.orchestrator, 'AWS::CloudWatch::Alarm')).map(
        (a) => a.Properties,
      );
      const named = (name: string) => alarms.find((a) => a.AlarmName === name);
      // Assess
      for (const fn of ['health-monitor', 'primary-probe']) {
        expect(named(`shop-${fn}-errors`)).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda' });
        expect(named(`shop-${fn}-no-data`)).toMatchObject({
          Statistic: 'SampleCount',
          ComparisonOperator: 'LessThanThreshold',
          TreatMissingData: 'breaching',
        });
      }
      expect(named('shop-health-monitor-no-data')).toMatchObject({ MetricName: 'DrReadiness', Period: 300 });
      expect(named('shop-primary-probe-no-data')).toMatchObject({
        MetricName: 'PrimaryReachableFromDr',
        Period: 60,
        EvaluationPeriods: 3,
      });
    });
  });

  describe('the assets bucket replicates within a known time', () => {
    it('replicates with Replication Time Control and metrics, through a role without a fixed name', () => {
      // Prepare
      const template = synth.templates.primaryFoundation;
      const [source] = Object.values(resourcesOf(template, 'AWS::S3::Bucket')).filter(
        (b) => b.Properties.ReplicationConfiguration,
      );
      const configuration = source?.Properties.ReplicationConfiguration as {
        Role: { 'Fn::GetAtt': [string, string] };
        Rules: Json[];
      };
      // Act
      const role = resourcesOf(template, 'AWS::IAM::Role')[configuration.Role['Fn::GetAtt'][0]];
      // Assess
      expect(role?.Properties.RoleName).toBeUndefined();
      expect(configuration.Rules[0]).toMatchObject({
        Destination: expect.objectContaining({
          ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
          Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
        }),
      });
    });

    it('alarms on failed and late replication and forwards both alarms to the DR topic', () => {
      // Prepare
      const template = synth.templates.primaryFoundation;
      // Act
      const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
      const forward = Object.values(resourcesOf(template, 'AWS::Events::Rule'))[0]?.Properties;
      const notices = Object.values(resourcesOf(synth.templates.orchestrator, 'AWS::Events::Rule')).find(
        (r) => r.Properties.Name === 'shop-notify-operational-alarms',
      )?.Properties;
      // Assess
      expect(alarms.filter((a) => a.Namespace === 'AWS/S3').map((a) => [a.AlarmName, a.MetricName])).toEqual([
        ['shop-assets-replication-failed', 'OperationsFailedReplication'],
        ['shop-assets-replication-late', 'ReplicationLatency'],
      ]);
      const forwarded = (forward?.EventPattern as Json | undefined)?.resources as string[];
      expect(forwarded).toEqual(
        expect.arrayContaining([
          'arn:aws:cloudwatch:us-east-1:111111111111:alarm:shop-assets-replication-failed',
          'arn:aws:cloudwatch:us-east-1:111111111111:alarm:shop-assets-replication-late',
        ]),
      );
      expect(forward?.Targets).toEqual([
        expect.objectContaining({ Arn: 'arn:aws:events:us-west-2:111111111111:event-bus/default' }),
      ]);
      expect((notices?.EventPattern as Json | undefined)?.resources).toEqual(
        expect.arrayContaining(forwarded),
      );
      expect((notices?.Targets as Json[] | undefined)?.[0]?.Arn).toEqual({
        Ref: expect.stringMatching(/Topic/),
      });
    });
  });

  describe('smaller ones', () => {
    it('lets the replicas grow their storage like the primaries', () => {
      // Assess
      synth.templates.dr.allResourcesProperties('AWS::RDS::DBInstance', { MaxAllocatedStorage: 200 });
      synth.templates.primary.allResourcesProperties('AWS::RDS::DBInstance', { MaxAllocatedStorage: 200 });
    });

    it('retains nothing that would block a retry after a failed create (RetainExceptOnCreate, not Retain)', () => {
      for (const [key, template] of all()) {
        // Act
        const resources = Object.entries(template.toJSON().Resources as Record<string, Json>);
        const retained = resources
          .filter(([, r]) => r.DeletionPolicy === 'Retain')
          .map(([id]) => `${key}/${id}`);
        // Assess
        expect(retained).toEqual([]);
      }
      const repositories = Object.values(
        synth.templates.primaryFoundation.findResources('AWS::ECR::Repository'),
      ) as Json[];
      expect(repositories.map((r) => r.DeletionPolicy)).toEqual(Array(3).fill('RetainExceptOnCreate'));
      synth.templates.primaryFoundation.hasResource('AWS::S3::Bucket', {
        Properties: { BucketName: 'shop-assets-111111111111-us-east-1' },
        DeletionPolicy: 'RetainExceptOnCreate',
      });
      synth.templates.orchestrator.hasResource('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: '/aws/lambda/shop-primary-probe' },
        DeletionPolicy: 'RetainExceptOnCreate',
      });
    });

    it('gives the DR tasks VPC endpoints for ECR (api, dkr), S3 (gateway), CloudWatch Logs and Secrets Manager', () => {
      // Act
      const endpoints = (template: Template) =>
        Object.values(resourcesOf(template, 'AWS::EC2::VPCEndpoint')).map((e) => [
          JSON.stringify(e.Properties.ServiceName).match(/(ecr\.api|ecr\.dkr|logs|secretsmanager|s3)/)?.[1],
          e.Properties.VpcEndpointType ?? 'Gateway',
          e.Properties.PrivateDnsEnabled ?? null,
        ]);
      // Assess
      expect(endpoints(synth.templates.drFoundation).sort()).toEqual([
        ['ecr.api', 'Interface', true],
        ['ecr.dkr', 'Interface', true],
        ['logs', 'Interface', true],
        ['s3', 'Gateway', null],
        ['secretsmanager', 'Interface', true],
      ]);
      expect(endpoints(synth.templates.primaryFoundation)).toEqual([]);
    });

    it('defaults to engine versions in RDS standard support: MySQL 8.4, MariaDB 11.4, PostgreSQL 16', () => {
      for (const [engine, version, family] of [
        ['mysql', '8.4', 'mysql8.4'],
        ['mariadb', '11.4', 'mariadb11.4'],
        ['postgres', '16', 'postgres16'],
      ] as const) {
        // Prepare
        const plan = planWith((p) => {
          for (const db of p.databases) db.engine = engine;
          if (p.deployment) delete p.deployment.engineVersion;
        });
        // Act
        const primary = synthesizeOne(plan, 'primary');
        // Assess
        primary.allResourcesProperties('AWS::RDS::DBInstance', { Engine: engine, EngineVersion: version });
        primary.allResourcesProperties('AWS::RDS::DBParameterGroup', { Family: family });
      }
    });

    it('synthesizes a mariadb plan in both regions, with its own rotation types and TLS parameter', () => {
      // Prepare
      const plan = planWith((p) => {
        for (const db of p.databases) db.engine = 'mariadb';
        if (p.deployment) delete p.deployment.engineVersion;
      });
      // Act
      const primary = synthesizeOne(plan, 'primary');
      const dr = synthesizeOne(plan, 'dr');
      const rotations = Object.values(resourcesOf(primary, 'AWS::SecretsManager::RotationSchedule')).map(
        (r) => (r.Properties.HostedRotationLambda as Json).RotationType,
      );
      // Assess
      expect([...new Set(rotations)].sort()).toEqual(['MariaDBMultiUser', 'MariaDBSingleUser']);
      primary.allResourcesProperties('AWS::RDS::DBInstance', { Engine: 'mariadb' });
      // MariaDB replicas keep automated backups (PostgreSQL ones cannot).
      dr.allResourcesProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: 7 });
      dr.allResourcesProperties('AWS::RDS::DBParameterGroup', {
        Parameters: { require_secure_transport: '1' },
      });
    });

    it('synthesizes a postgres plan in both regions with the security checks (no CannotSetBackupRetentionEngine)', () => {
      // Prepare
      const plan = planWith((p) => {
        for (const db of p.databases) db.engine = 'postgres';
        if (p.deployment) delete p.deployment.engineVersion;
      });
      const outdir = mkdtempSync(join(tmpdir(), 'drctl-postgres-'));
      const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
      addSecurityChecks(app);
      // Act: the engine shapes only the application stacks (and their foundations)
      const stacks = {
        primary: applicationStack(app, plan, 'primary'),
        dr: applicationStack(app, plan, 'dr'),
      };
      const assembly = app.synth();
      // Assess
      const report = join(outdir, 'validation-report.json');
      const reports = existsSync(report)
        ? (JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: { violations?: unknown[] }[] })
            .pluginReports
        : [];
      expect(reports.flatMap((r) => r.violations ?? [])).toEqual([]);
      const dr = assembly.getStackByName(stacks.dr.stackName).template as { Resources: Record<string, Json> };
      const replicas = Object.values(dr.Resources).filter((r) => r.Type === 'AWS::RDS::DBInstance');
      expect(replicas).toHaveLength(2);
      for (const replica of replicas) {
        expect((replica.Properties as Json).BackupRetentionPeriod).toBeUndefined();
      }
    });

    it('subscribes a repeated e-mail address once instead of crashing synth', () => {
      // Prepare
      const plan = structuredClone(referencePlan());
      plan.notifications.emails = ['oncall@example.com', 'OnCall@example.com', 'ops@example.com'];
      // Act
      const orchestrator = synthesizeOne(plan, 'orchestrator');
      // Assess
      const endpoints = Object.values(resourcesOf(orchestrator, 'AWS::SNS::Subscription')).map(
        (s) => s.Properties.Endpoint,
      );
      expect(endpoints.sort()).toEqual(['oncall@example.com', 'ops@example.com']);
    });

    it('refuses a bad or too small VPC CIDR with a plan error that names the field, not a stack trace', () => {
      // Prepare
      const cases: [string, RegExp][] = [
        ['10.10.0.0', /IPv4 CIDR block/],
        ['10.10.0.0/33', /prefix length from \/16 to \/20/],
        ['300.10.0.0/16', /octet above 255/],
        ['10.10.0.0/24', /prefix length from \/16 to \/20/],
        ['10.10.1.0/16', /host bits set/],
      ];
      for (const [cidr, message] of cases) {
        const plan = structuredClone(referencePlan());
        if (plan.deployment) plan.deployment.vpcCidrs = { primary: cidr, dr: '10.20.0.0/16' };
        // Act
        const error = buildError(plan);
        // Assess
        expect(error).toBeInstanceOf(InvalidPlanError);
        expect(error?.field).toBe('deployment.vpcCidrs.primary');
        expect(error?.message).toMatch(message);
      }
    });

    it('builds the container health check in exec form, so a query or shell syntax in the path is only text', () => {
      // Prepare
      const plan = planWith((p) => {
        p.application.dr.healthUrl = 'https://dr.shop.example.com/health?a=1&b=2;$(touch%20/tmp/x)';
      });
      // Act
      const dr = synthesizeOne(plan, 'dr');
      const commands = Object.values(resourcesOf(dr, 'AWS::ECS::TaskDefinition')).map(
        (t) =>
          ((t.Properties.ContainerDefinitions as Json[])[0]?.HealthCheck as Json | undefined)
            ?.Command as string[],
      );
      // Assess
      for (const command of commands) {
        expect(command[0]).toBe('CMD');
        expect(command).toContain('--globoff');
        expect(command.at(-1)).toBe('http://localhost:8080/health?a=1&b=2;$(touch%20/tmp/x)');
      }
    });
  });
});

function applicationStack(app: App, plan: Plan, role: 'primary' | 'dr'): ApplicationStack {
  const foundation = new FoundationStack(app, `pg-${role}-foundation`, { plan, role });
  return new ApplicationStack(app, `pg-${role}`, {
    plan,
    role,
    foundation: foundation.foundation,
    ...(foundation.deadLetters ? { deadLetterQueue: foundation.deadLetters.queue } : {}),
  });
}

function buildError(plan: Plan): InvalidPlanError | undefined {
  try {
    buildReferenceApp(templateApp(), plan, {
      securityChecks: false,
    });
  } catch (error) {
    if (error instanceof InvalidPlanError) return error;
    throw error;
  }
  return undefined;
}

/** A Fn::Join of strings and pseudo parameters, flattened for comparison. */
function joined(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return JSON.stringify(value);
  return join[1].map((part) => (typeof part === 'string' ? part : '<token>')).join(join[0]);
}
