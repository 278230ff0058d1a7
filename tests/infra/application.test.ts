import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  planWith,
  resourcesOf,
  type SynthesizedApp,
  synthesizeOne,
  synthesizeReferenceApp,
  useInfraTimeouts,
} from './reference-app.ts';

type Json = Record<string, unknown>;

useInfraTimeouts();

/** One synth of the reference app for the file; variants synthesize only the stack they check. */
let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesizeReferenceApp();
});

describe('reference application', () => {
  it('puts each stack in its region, with the plan account', () => {
    // Prepare
    const { stacks, plan } = synth;
    // Assess
    expect([stacks.primaryFoundation.region, stacks.primary.region]).toEqual([
      plan.regions.primary,
      plan.regions.primary,
    ]);
    expect([stacks.drFoundation.region, stacks.dr.region, stacks.orchestrator.region]).toEqual([
      plan.regions.dr,
      plan.regions.dr,
      plan.regions.dr,
    ]);
    expect(stacks.global.region).toBe('us-east-1');
    for (const stack of Object.values(stacks)) expect(stack.account).toBe('111111111111');
  });

  it('synthesizes without an account in the plan, with the documented placeholder and valid bucket names', () => {
    // Prepare
    const plan = planWith((p) => {
      p.name = 'a-very-long-plan-name-for-a-big-shop-x';
      // No account; the https:// health URLs keep their certificates (a plan rule requires them).
      p.deployment = { certificateArns: p.deployment?.certificateArns };
    });
    // Act
    const foundation = synthesizeOne(plan, 'primary-foundation');
    // Assess
    const names = Object.values(resourcesOf(foundation, 'AWS::S3::Bucket'))
      .map((b) => b.Properties.BucketName)
      .filter(Boolean) as string[];
    expect(names).toEqual([expect.stringMatching(/-assets-000000000000-us-east-1$/)]);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(63);
  });

  it('creates encrypted cross-region replicas of the plan primaries, in the DR region with their own key', () => {
    // Prepare
    const template = synth.templates.dr;
    const keys = Object.keys(resourcesOf(template, 'AWS::KMS::Key'));
    // Act
    const replicas = Object.values(resourcesOf(template, 'AWS::RDS::DBInstance')).map((r) => r.Properties);
    // Assess
    expect(synth.stacks.dr.region).toBe('us-west-2');
    expect(replicas.map((r) => r.DBInstanceIdentifier).sort()).toEqual([
      'shop-catalog-replica',
      'shop-orders-replica',
    ]);
    for (const replica of replicas) {
      const id = (replica.DBInstanceIdentifier as string).replace(/-replica$/, '');
      expect(replica.SourceDBInstanceIdentifier).toBe(`arn:aws:rds:us-east-1:111111111111:db:${id}`);
      expect(replica.SourceRegion).toBe('us-east-1');
      const key = (replica.KmsKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(keys).toContain(key);
      expect(replica.DeletionProtection).toBe(true);
      expect(replica.PubliclyAccessible).toBe(false);
    }
    expect(new Set(replicas.map((r) => JSON.stringify(r.KmsKeyId))).size).toBe(2);
    template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('runs the primaries Multi-AZ, encrypted, backed up, protected and TLS-only', () => {
    // Prepare
    const template = synth.templates.primary;
    // Assess
    template.resourceCountIs('AWS::RDS::DBInstance', 2);
    template.allResourcesProperties('AWS::RDS::DBInstance', {
      Engine: 'mysql',
      EngineVersion: '8.4',
      DBInstanceClass: 'db.t4g.medium',
      MultiAZ: true,
      StorageEncrypted: true,
      KmsKeyId: Match.anyValue(),
      BackupRetentionPeriod: 7,
      DeletionProtection: true,
      EnableIAMDatabaseAuthentication: true,
      PubliclyAccessible: false,
    });
    for (const template of [synth.templates.primary, synth.templates.dr]) {
      template.allResourcesProperties('AWS::RDS::DBParameterGroup', {
        Parameters: { require_secure_transport: '1' },
      });
    }
  });

  it('keeps a master, an application and a canary secret per database, all rotated and replicated to the DR region', () => {
    // Prepare
    const template = synth.templates.primary;
    const schedules = Object.values(resourcesOf(template, 'AWS::SecretsManager::RotationSchedule')).map(
      (r) => r.Properties.HostedRotationLambda as { RotationType: string; MasterSecretArn?: unknown },
    );
    // Assess
    for (const name of ['drctl/shop/orders/master', 'drctl/shop/orders/app']) {
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: name,
        ReplicaRegions: [{ Region: 'us-west-2' }],
      });
    }
    const app = Object.values(resourcesOf(template, 'AWS::SecretsManager::Secret')).find(
      (secret) => secret.Properties.Name === 'drctl/shop/orders/app',
    );
    // The application user, and the master's ARN the alternating-users rotation logs in with.
    expect(JSON.stringify(app?.Properties.GenerateSecretString)).toMatch(/\\"username\\":\\"drctl_app\\"/);
    expect(JSON.stringify(app?.Properties.GenerateSecretString)).toMatch(/masterarn/);
    // The master and the write canary rotate alone; the application user with alternating users, using the master.
    expect(schedules.map((s) => s.RotationType).sort()).toEqual([
      'MySQLMultiUser',
      'MySQLMultiUser',
      'MySQLSingleUser',
      'MySQLSingleUser',
      'MySQLSingleUser',
      'MySQLSingleUser',
    ]);
    for (const schedule of schedules.filter((s) => s.RotationType === 'MySQLMultiUser')) {
      expect(schedule.MasterSecretArn).toEqual({ Ref: expect.stringMatching(/InstanceSecretAttachment/) });
    }
    template.allResourcesProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  it('creates the application user at deploy time with the master secret, over the database network', () => {
    // Prepare
    const template = synth.templates.primary;
    const users = Object.values(resourcesOf(template, 'Custom::DrctlDatabaseUser')).map((r) => r.Properties);
    // Assess
    expect(users.map((u) => [u.Engine, u.DatabaseName]).sort()).toEqual([
      ['mysql', 'catalog'],
      ['mysql', 'orders'],
    ]);
    for (const user of users) {
      expect(user.MasterSecretArn).toEqual({ Ref: expect.stringMatching(/InstanceSecretAttachment/) });
      expect(user.AppSecretArn).toEqual({ Ref: expect.stringMatching(/AppSecretAttachment/) });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('runs the DR services as a pilot light at zero tasks and the primary ones at their count', () => {
    // Prepare
    const count = (key: 'primary' | 'dr') =>
      Object.fromEntries(
        Object.values(resourcesOf(synth.templates[key], 'AWS::ECS::Service')).map((s) => [
          s.Properties.ServiceName,
          s.Properties.DesiredCount,
        ]),
      );
    // Assess
    expect(count('dr')).toEqual({ 'shop-web': 0, 'shop-api': 0, 'shop-worker': 0 });
    expect(count('primary')).toEqual({ 'shop-web': 2, 'shop-api': 2, 'shop-worker': 1 });
    synth.templates.dr.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'shop-dr' });
    synth.templates.primary.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'shop' });
  });

  it('runs tasks in private subnets with a container health check and secrets from Secrets Manager', () => {
    // Prepare
    const template = synth.templates.dr;
    const tasks = Object.values(resourcesOf(template, 'AWS::ECS::TaskDefinition'));
    // Assess
    template.allResourcesProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
    });
    for (const task of tasks) {
      const [container] = task.Properties.ContainerDefinitions as Json[];
      // Exec form: no shell ever sees the plan's path.
      expect(container?.HealthCheck).toMatchObject({
        Command: [
          'CMD',
          'curl',
          '--fail',
          '--silent',
          '--show-error',
          '--globoff',
          '--max-time',
          '4',
          'http://localhost:8080/health',
        ],
      });
      const secrets = ((container?.Secrets ?? []) as { Name: string; ValueFrom: unknown }[]).map(
        (s) => s.Name,
      );
      expect(secrets).toEqual(expect.arrayContaining(['ORDERS_DB_PASSWORD', 'CATALOG_DB_PASSWORD']));
      const env = JSON.stringify(container?.Environment);
      expect(env).not.toMatch(/PASSWORD|USERNAME/);
      // ECS needs complete secret ARNs (with the random suffix): here, looked up at deploy time.
      for (const secret of (container?.Secrets ?? []) as { ValueFrom: unknown }[]) {
        expect(secret.ValueFrom).toEqual({
          'Fn::Join': [
            '',
            [
              { 'Fn::GetAtt': [expect.stringMatching(/Lookup/), 'ARN'] },
              expect.stringMatching(/^:(username|password)::$/),
            ],
          ],
        });
      }
      // The pilot light pulls from the DR region's replica of the repository.
      expect(JSON.stringify(container?.Image)).toContain('.dkr.ecr.us-west-2.');
    }
  });

  it('finds the complete ARN of each replicated secret in the DR region at deploy time', () => {
    // Prepare
    const lookups = Object.values(resourcesOf(synth.templates.dr, 'Custom::AWS')).map((r) => r.Properties);
    // Act
    const calls = lookups.map(
      (l) => JSON.parse(l.Update as string) as { action: string; parameters: { SecretId: string } },
    );
    // Assess
    expect(calls.map((c) => [c.action, c.parameters.SecretId]).sort()).toEqual([
      ['describeSecret', 'drctl/shop/catalog/app'],
      ['describeSecret', 'drctl/shop/orders/app'],
    ]);
  });

  it('lets only the load balancer reach the tasks and only the tasks, rotation, user setup and the write canary reach the database', () => {
    // Prepare
    const template = synth.templates.primary;
    const groups = resourcesOf(template, 'AWS::EC2::SecurityGroup');
    const idOf = (pattern: RegExp) => Object.keys(groups).find((id) => pattern.test(id));
    const tasks = idOf(/^ApplicationTasksSecurityGroup/);
    const database = idOf(/^ApplicationDatabaseSecurityGroup/);
    const alb = idOf(/^ApplicationLoadBalancerSecurityGroup/);
    // Act
    const ingress = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')).map(
      (r) => r.Properties,
    );
    const into = (group: string | undefined) =>
      ingress
        .filter((r) => JSON.stringify(r.GroupId).includes(`"${group}"`))
        .map((r) => (r.SourceSecurityGroupId as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]);
    // Assess
    expect(into(tasks)).toEqual([alb]);
    const dbSources = into(database);
    expect(dbSources).toContain(tasks);
    expect(dbSources.filter((s) => s !== tasks).every((s) => /Rotation|DatabaseUsers|Canary/.test(s))).toBe(
      true,
    );
    expect(dbSources.some((s) => /DatabaseUsers/.test(s))).toBe(true);
    expect(dbSources.some((s) => /^ApplicationCanarySecurityGroup/.test(s))).toBe(true);
    expect(groups[database as string]?.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('starts the database user setup without parsing its source map, as figure 4 measures it', () => {
    // Prepare
    const functions = resourcesOf(synth.templates.primary, 'AWS::Lambda::Function');
    // Act
    const setup = Object.entries(functions).filter(([id]) => /DatabaseUsers/.test(id));
    // Assess
    expect(setup).toHaveLength(1);
    const variables = (setup[0]?.[1].Properties.Environment as { Variables?: Json } | undefined)?.Variables;
    expect(variables?.NODE_OPTIONS).toBeUndefined();
  });

  it('fronts each region with an internet-facing ALB that logs access, aliased by the regional name', () => {
    // Assess
    for (const [key, target] of [
      ['primary', 'primary.shop.example.com.'],
      ['dr', 'dr.shop.example.com.'],
    ] as const) {
      const template = synth.templates[key];
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internet-facing',
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        LoadBalancerAttributes: Match.arrayWith([
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        ]),
      });
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: target,
        Type: 'A',
        HostedZoneId: 'Z0SHOPEXAMPLE00000001',
        AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
      });
    }
  });

  it('serves HTTPS with the plan certificate and redirects HTTP', () => {
    // Prepare
    const arn = 'arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-4333-8444-555555555555';
    const primary = synthesizeOne(planWithCertificate(synth.plan, arn), 'primary');
    // Assess
    primary.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: arn }],
    });
    primary.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'redirect' })],
    });
  });

  it('builds a flow-logged VPC with public, private and isolated subnets over two AZs and NAT', () => {
    // Assess
    for (const key of ['primaryFoundation', 'drFoundation'] as const) {
      const template = synth.templates[key];
      template.resourceCountIs('AWS::EC2::VPC', 1);
      template.resourceCountIs('AWS::EC2::Subnet', 6);
      template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
      const nat = Object.keys(resourcesOf(template, 'AWS::EC2::NatGateway')).length;
      expect(nat).toBeGreaterThanOrEqual(1);
      const zones = new Set(
        Object.values(resourcesOf(template, 'AWS::EC2::Subnet')).map((s) =>
          JSON.stringify(s.Properties.AvailabilityZone),
        ),
      );
      expect(zones.size).toBe(2);
    }
  });

  it('keeps assets versioned, encrypted, private, TLS-only and replicated to the DR bucket', () => {
    // Prepare
    const primary = synth.templates.primaryFoundation;
    // Assess
    primary.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'shop-assets-111111111111-us-east-1',
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: Match.objectLike({ ServerSideEncryptionConfiguration: Match.anyValue() }),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      ReplicationConfiguration: {
        Role: Match.anyValue(),
        Rules: [Match.objectLike({ Status: 'Enabled', DeleteMarkerReplication: { Status: 'Enabled' } })],
      },
    });
    const [source] = Object.values(
      primary.findResources('AWS::S3::Bucket', {
        Properties: { ReplicationConfiguration: Match.anyValue() },
      }),
    );
    expect(JSON.stringify(source?.Properties.ReplicationConfiguration.Rules[0].Destination.Bucket)).toContain(
      ':s3:::shop-assets-111111111111-us-west-2',
    );
    synth.templates.drFoundation.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'shop-assets-111111111111-us-west-2',
      VersioningConfiguration: { Status: 'Enabled' },
    });
    for (const template of [primary, synth.templates.drFoundation]) {
      template.allResourcesProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('replicates the container repositories to the DR region', () => {
    // Assess
    synth.templates.primaryFoundation.hasResourceProperties('AWS::ECR::ReplicationConfiguration', {
      ReplicationConfiguration: {
        Rules: [
          {
            Destinations: [{ Region: 'us-west-2', RegistryId: '111111111111' }],
            RepositoryFilters: Match.arrayWith([{ Filter: 'shop/web', FilterType: 'PREFIX_MATCH' }]),
          },
        ],
      },
    });
    synth.templates.primaryFoundation.resourceCountIs('AWS::ECR::Repository', 3);
  });
});

function planWithCertificate(_plan: SynthesizedApp['plan'], arn: string): SynthesizedApp['plan'] {
  return planWith((p) => {
    p.deployment = { ...p.deployment, certificateArns: { ...p.deployment?.certificateArns, primary: arn } };
  });
}

describe('global stack (Route 53 and detection)', () => {
  it('health-checks each regional endpoint at the plan interval and threshold', () => {
    // Prepare
    const checks = Object.values(resourcesOf(synth.templates.global, 'AWS::Route53::HealthCheck'));
    // Act
    const configs = checks.map((c) => c.Properties.HealthCheckConfig as Record<string, unknown>);
    // Assess
    const endpoints = configs.filter((c) => c.Type !== 'CLOUDWATCH_METRIC');
    expect(endpoints.map((c) => c.FullyQualifiedDomainName).sort()).toEqual([
      'dr.shop.example.com',
      'primary.shop.example.com',
    ]);
    for (const config of endpoints) {
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
    const endpoints = Object.values(resourcesOf(global, 'AWS::Route53::HealthCheck'))
      .map((c) => c.Properties.HealthCheckConfig as Record<string, unknown>)
      .filter((c) => c.Type !== 'CLOUDWATCH_METRIC');
    expect(endpoints).toHaveLength(2);
    for (const config of endpoints)
      expect(config).toMatchObject({ RequestInterval: 30, FailureThreshold: 5 });
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
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'missing',
    });
  });

  it('forwards the fast-path alarm (and its own dead-letter alarm) to the DR region default event bus', () => {
    // Assess
    synth.templates.global.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [
          'arn:aws:cloudwatch:us-east-1:111111111111:alarm:shop-primary-endpoint-unhealthy',
          'arn:aws:cloudwatch:us-east-1:111111111111:alarm:shop-global-dead-letters',
        ],
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
    const simple = planWith((p) => {
      p.dns = { ...p.dns, strategy: 'simple' };
    });
    const records = Object.values(
      resourcesOf(synthesizeOne(simple, 'global'), 'AWS::Route53::RecordSet'),
    ).filter((r) => r.Properties.Name === 'www.shop.example.com.');
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
    // The drill name's records are failover records whatever the strategy (drills.test.ts).
    const records = Object.values(resourcesOf(synthesizeOne(plan, 'global'), 'AWS::Route53::RecordSet'))
      .map((r) => r.Properties)
      .filter((r) => r.Name === 'www.shop.example.com.');
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
      // Each load balancer takes a certificate of its own region: they swap with the regions.
      const certificates = p.deployment?.certificateArns;
      if (p.deployment && certificates)
        p.deployment.certificateArns = { primary: certificates.dr, dr: certificates.primary };
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
        resources: [
          'arn:aws:cloudwatch:us-east-1:111111111111:alarm:shop-primary-endpoint-unhealthy',
          'arn:aws:cloudwatch:us-east-1:111111111111:alarm:shop-primary-unreachable-from-dr',
        ],
      }),
    });
  });
});
