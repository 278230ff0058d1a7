import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DRILL_ARN_SUBSTITUTIONS } from '../../infra/drills/drill-state-machine.ts';
import { DisasterRecovery } from '../../infra/orchestrator/disaster-recovery.ts';
import {
  DRCTL_NAMESPACE,
  DRILL_NAMESPACE,
  drillCopyIdentifier,
  drillGateAlarmName,
  drillGateMetric,
  drillRecordName,
  drillSetIdentifier,
  drillStateMachineName,
  evidenceBucketName,
  gateAlarmName,
} from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { allowsOf, isReadOnly, statementsOfPolicy, type TemplateStatement } from './iam-statements.ts';
import {
  planWith,
  REPO_ROOT,
  resourcesOf,
  type SynthesizedApp,
  synthesizeReferenceApp,
  templateApp,
  useInfraTimeouts,
} from './reference-app.ts';

type Json = Record<string, unknown>;

// Two full synths of the six stacks, once for the file (beforeAll): tests only read templates.
useInfraTimeouts();

const DRILL_ASL = resolve(REPO_ROOT, 'statemachines', 'drill.asl.json');
const ACCOUNT = '111111111111';
const DR = 'us-west-2';
const replicaArns = ['shop-orders-replica', 'shop-catalog-replica'].map(
  (id) => `arn:aws:rds:${DR}:${ACCOUNT}:db:${id}`,
);
const copyArns = ['shop-orders-replica', 'shop-catalog-replica'].map(
  (id) => `arn:aws:rds:${DR}:${ACCOUNT}:db:${drillCopyIdentifier(id)}`,
);

/** Drills as deployed (issue 13): the drill machine, its function and role, evidence, rules, the drill name. */
describe('drills in the orchestrator stack', () => {
  let synth: SynthesizedApp;
  /** The reference plan without its drills section: every drills default. */
  let bare: SynthesizedApp;
  let plan: Plan;
  let orchestrator: Template;
  let drillRole: TemplateStatement[];
  beforeAll(() => {
    synth = synthesizeReferenceApp();
    bare = synthesizeReferenceApp(
      planWith((p) => {
        delete p.drills;
      }),
    );
    plan = synth.plan;
    orchestrator = synth.templates.orchestrator;
    drillRole = allowsOf(statementsOfPolicy(orchestrator, 'DisasterRecoveryDrillsDrillRole'));
  });

  const drillMachine = () =>
    Object.values(resourcesOf(orchestrator, 'AWS::StepFunctions::StateMachine')).find(
      (m) => m.Properties.StateMachineName === drillStateMachineName(plan),
    )?.Properties as Json;

  it('inlines the drill ASL with TimeoutSeconds from drills.timeoutMinutes', () => {
    // Prepare
    const file = JSON.parse(readFileSync(DRILL_ASL, 'utf8')) as Json;
    // Act
    const inline = JSON.parse(drillMachine().DefinitionString as string) as Json;
    // Assess: the file itself, but for the plan's timeout (180 minutes)
    expect(drillMachine().DefinitionS3Location).toBeUndefined();
    expect(inline.TimeoutSeconds).toBe(plan.drills.timeoutMinutes * 60);
    expect({ ...inline, TimeoutSeconds: undefined }).toEqual({ ...file, TimeoutSeconds: undefined });
  });

  it('logs ALL events with execution data and traces with X-Ray', () => {
    // Assess
    expect(drillMachine()).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
  });

  it('lets the drill machine invoke exactly the functions its definition names', () => {
    // Prepare
    const text = readFileSync(DRILL_ASL, 'utf8');
    const placeholders = [...new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1] as string))].sort();
    const all = drillMachine().DefinitionSubstitutions as Record<
      string,
      { 'Fn::GetAtt': [string] } | { Ref: string }
    >;
    // The functions (the child state machines' ARNs are Refs: child-state-machines.test.ts)
    const substitutions = Object.fromEntries(
      Object.entries(all).filter(([, value]) => 'Fn::GetAtt' in value),
    ) as Record<string, { 'Fn::GetAtt': [string] }>;
    const roleId = ((drillMachine().RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'] as [string])[0];
    // Act
    const invoke = allowsOf(statementsOfPolicy(orchestrator, roleId.replace(/[0-9A-F]{8}$/, ''))).filter(
      (s) => s.Action.includes('lambda:InvokeFunction'),
    );
    // Assess
    expect(Object.keys(all).sort()).toEqual(placeholders);
    expect(placeholders).toContain(DRILL_ARN_SUBSTITUTIONS.drill);
    expect(invoke).toHaveLength(1);
    expect(invoke[0]?.Resource.map((r) => (r as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]).sort()).toEqual(
      Object.values(substitutions)
        .map((s) => s['Fn::GetAtt'][0])
        .sort(),
    );
  });

  it('refuses a drill definition whose placeholder names no drctl function, naming it', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'drctl-drill-asl-'));
    const file = join(dir, 'drill.asl.json');
    writeFileSync(
      file,
      JSON.stringify({
        StartAt: 'A',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL placeholder, not a template
        States: { A: { Type: 'Task', Resource: '${CanaryFunctionArn}', End: true } },
      }),
    );
    const app = templateApp();
    const stack = new Stack(app, 'Bad', { env: { account: ACCOUNT, region: DR } });
    // Act
    const act = () => new DisasterRecovery(stack, 'Dr', { plan, drillAslFile: file });
    // Assess
    expect(act).toThrow(/\$\{CanaryFunctionArn\} names no drctl function/);
  });

  it('alarms on failed, timed-out and aborted drills, telling people how to find what was left behind', () => {
    // Prepare
    const alarms = Object.values(resourcesOf(orchestrator, 'AWS::CloudWatch::Alarm')).filter((a) =>
      String(a.Properties.AlarmName).startsWith(`${drillStateMachineName(plan)}-Executions`),
    );
    // Assess
    expect(alarms.map((a) => a.Properties.MetricName).sort()).toEqual([
      'ExecutionsAborted',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
    ]);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({ Namespace: 'AWS/States', Threshold: 1, EvaluationPeriods: 1 });
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/Topic/) }]);
      expect(alarm.Properties.AlarmDescription).toMatch(/drctl:drill=<execution name>/);
      expect(alarm.Properties.AlarmDescription).toContain(evidenceBucketName(plan, ACCOUNT));
    }
  });

  it('lets the drill function promote only this plan\u2019s copies and delete only drill copy names, tagged by a drill', () => {
    // Act
    const promote = drillRole.filter((s) => s.Action.includes('rds:PromoteReadReplica'));
    const remove = drillRole.filter((s) => s.Action.includes('rds:DeleteDBInstance'));
    const drillTagged = {
      StringEquals: { 'rds:db-tag/drctl:plan': 'shop' },
      Null: { 'rds:db-tag/drctl:drill': 'false' },
    };
    // Assess
    expect(promote).toHaveLength(1);
    expect(promote[0]?.Action).toEqual(['rds:PromoteReadReplica']);
    expect(promote[0]?.Resource.sort()).toEqual([...copyArns].sort());
    expect(promote[0]?.Condition).toEqual(drillTagged);
    // The sweep also removes a copy of a database since removed from the plan: any *-drill name.
    expect(remove).toHaveLength(1);
    expect(remove[0]?.Action).toEqual(['rds:DeleteDBInstance']);
    expect(remove[0]?.Resource).toEqual([`arn:aws:rds:${DR}:${ACCOUNT}:db:*-drill`]);
    expect(remove[0]?.Condition).toEqual(drillTagged);
  });

  it('names only drill copies (*-drill) in every mutating RDS grant, the plan replicas only as a copy source', () => {
    // Prepare
    const isCopy = (arn: string) => /^arn:aws:rds:[a-z0-9-]+:\d{12}:db:[^:]*-drill$/.test(arn);
    // Act
    const offenders = drillRole.flatMap((s) =>
      s.Action.filter((a) => a.startsWith('rds:') && !isReadOnly(a)).flatMap((action) =>
        s.Resource.filter((resource) => {
          const arn = String(resource);
          if (arn.includes(':subgrp:')) return action !== 'rds:CreateDBInstanceReadReplica';
          if (replicaArns.includes(arn)) return action !== 'rds:CreateDBInstanceReadReplica';
          return !isCopy(arn);
        }).map((resource) => `${action} on ${String(resource)}`),
      ),
    );
    // Assess
    expect(offenders).toEqual([]);
  });

  it('lets the sweep list the DR region\u2019s instances and read the tags of drill copies only, read only', () => {
    // Act
    const list = drillRole.filter((s) => s.Action.includes('rds:DescribeDBInstances'));
    const tags = drillRole.filter((s) => s.Action.includes('rds:ListTagsForResource'));
    // Assess
    expect(list.flatMap((s) => s.Action)).toEqual(['rds:DescribeDBInstances']);
    expect(list.flatMap((s) => s.Resource)).toEqual([`arn:aws:rds:${DR}:${ACCOUNT}:db:*`]);
    expect(tags.flatMap((s) => s.Resource)).toEqual([`arn:aws:rds:${DR}:${ACCOUNT}:db:*-drill`]);
  });

  it('lets it create copies only under the copy names, with both drill tags, from the plan replicas as source', () => {
    // Act
    const create = drillRole.filter((s) => s.Action.includes('rds:CreateDBInstanceReadReplica'));
    const onCopies = create.find((s) => s.Resource.includes(copyArns[0]));
    const onReplicas = create.find((s) => s.Resource.includes(replicaArns[0]));
    // Assess
    expect(onCopies?.Resource.sort()).toEqual([...copyArns].sort());
    expect(onCopies?.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/drctl:plan': 'shop' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['drctl:plan', 'drctl:drill'] },
      Null: { 'aws:RequestTag/drctl:drill': 'false' },
    });
    expect(onReplicas?.Action).toEqual(['rds:CreateDBInstanceReadReplica']);
    expect(onReplicas?.Resource.sort()).toEqual([...replicaArns].sort());
    expect(onReplicas?.Condition).toEqual({ StringEquals: { 'aws:RequestTag/drctl:plan': 'shop' } });
    for (const other of create.filter((s) => s !== onCopies && s !== onReplicas)) {
      // Subnet groups and nothing else, by tag.
      expect(other.Resource).toEqual([`arn:aws:rds:${DR}:${ACCOUNT}:subgrp:*`]);
      expect(other.Condition).toEqual({ StringEquals: { 'rds:subgrp-tag/drctl:plan': 'shop' } });
    }
  });

  it('has no grant on the plan replicas beyond being the source of a copy and being read', () => {
    // Act
    const onReplicas = drillRole.filter((s) => s.Resource.some((r) => replicaArns.includes(r as string)));
    const actions = onReplicas.flatMap((s) => s.Action);
    // Assess
    expect(actions).not.toContain('rds:PromoteReadReplica');
    expect(actions).not.toContain('rds:DeleteDBInstance');
    expect(actions.filter((a) => !isReadOnly(a))).toEqual(['rds:CreateDBInstanceReadReplica']);
    expect(
      drillRole.some((s) => s.Resource.includes('*') && s.Action.some((a) => a.startsWith('rds:'))),
    ).toBe(false);
  });

  it('keeps the drill function off the public record and the public gate', () => {
    // Act
    const actions = drillRole.flatMap((s) => s.Action);
    const puts = drillRole.filter((s) => s.Action.includes('cloudwatch:PutMetricData'));
    const publicGate = drillRole.filter((s) =>
      s.Resource.includes(`arn:aws:cloudwatch:${DR}:${ACCOUNT}:alarm:${gateAlarmName(plan)}`),
    );
    // Assess: no Route 53 at all; metrics only in the drill gate's own namespace; the public gate read only
    expect(actions.filter((a) => a.startsWith('route53:'))).toEqual([]);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': DRILL_NAMESPACE } });
    expect(drillGateMetric(plan).namespace).toBe(DRILL_NAMESPACE);
    expect(DRILL_NAMESPACE).not.toBe(DRCTL_NAMESPACE);
    expect(publicGate.flatMap((s) => s.Action)).toEqual(['cloudwatch:DescribeAlarms']);
  });

  it('lets it scale only the DR services, read both machines, invoke both canaries, publish nothing', () => {
    // Act
    const byAction = (action: string) => drillRole.filter((s) => s.Action.includes(action));
    // Assess
    expect(
      byAction('ecs:UpdateService')
        .flatMap((s) => s.Resource)
        .sort(),
    ).toEqual(
      ['shop-api', 'shop-web', 'shop-worker'].map((s) => `arn:aws:ecs:${DR}:${ACCOUNT}:service/shop-dr/${s}`),
    );
    expect(
      byAction('states:ListExecutions')
        .flatMap((s) => s.Resource)
        .sort(),
    ).toEqual([
      `arn:aws:states:${DR}:${ACCOUNT}:stateMachine:shop-drill`,
      `arn:aws:states:${DR}:${ACCOUNT}:stateMachine:shop-failover`,
    ]);
    expect(byAction('states:DescribeExecution').flatMap((s) => s.Resource)).toEqual([
      `arn:aws:states:${DR}:${ACCOUNT}:execution:shop-failover:*`,
    ]);
    expect(
      byAction('lambda:InvokeFunction')
        .flatMap((s) => s.Resource)
        .sort(),
    ).toEqual([
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:shop-canary`,
      `arn:aws:lambda:${DR}:${ACCOUNT}:function:shop-canary-reader`,
    ]);
    // The drill's notices go through the notify function: the drill function publishes nothing.
    expect(byAction('sns:Publish')).toEqual([]);
    expect(byAction('kms:GenerateDataKey*')).toEqual([]);
    expect(byAction('kms:CreateGrant')[0]?.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/drctl:plan': 'shop', 'kms:ViaService': `rds.${DR}.amazonaws.com` },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    });
  });

  it('keeps evidence in an SSE-KMS bucket with its own rotated key, versioned, TLS only, private, expiring after the retention', () => {
    // Prepare
    const [bucketId, bucket] = Object.entries(
      orchestrator.findResources('AWS::S3::Bucket', {
        Properties: { BucketName: evidenceBucketName(plan, ACCOUNT) },
      }),
    )[0] as [string, { Properties: Json; DeletionPolicy: string; UpdateReplacePolicy: string }];
    const keyId = (
      (bucket.Properties.BucketEncryption as { ServerSideEncryptionConfiguration: Json[] })
        .ServerSideEncryptionConfiguration[0] as { ServerSideEncryptionByDefault: { KMSMasterKeyID: Json } }
    ).ServerSideEncryptionByDefault.KMSMasterKeyID as { 'Fn::GetAtt': [string, string] };
    const key = resourcesOf(orchestrator, 'AWS::KMS::Key')[keyId['Fn::GetAtt'][0]];
    const policy = Object.values(resourcesOf(orchestrator, 'AWS::S3::BucketPolicy')).find(
      (p) => (p.Properties.Bucket as { Ref: string }).Ref === bucketId,
    );
    const statements =
      (policy?.Properties.PolicyDocument as { Statement: Json[] } | undefined)?.Statement ?? [];
    // Assess
    // Retained on stack deletion and replacement (removed only if its own creation failed).
    expect(bucket.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [
          expect.objectContaining({
            Status: 'Enabled',
            ExpirationInDays: 400,
            NoncurrentVersionExpiration: { NoncurrentDays: 400 },
          }),
        ],
      },
      LoggingConfiguration: {
        DestinationBucketName: { 'Fn::ImportValue': expect.stringMatching(/^shop-dr-foundation:/) },
        LogFilePrefix: `s3/${evidenceBucketName(plan, ACCOUNT)}/`,
      },
    });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'DenyOtherKeys',
        Effect: 'Deny',
        Action: 's3:PutObject',
        Condition: {
          StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyId },
        },
      }),
    );
  });

  it('lets S3 deliver the evidence bucket\u2019s access logs to the DR log bucket, for that bucket only', () => {
    // Prepare
    const policies = Object.values(resourcesOf(synth.templates.drFoundation, 'AWS::S3::BucketPolicy'));
    // Act
    const logging = policies
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Json[] }).Statement)
      .filter((s) => JSON.stringify(s.Condition ?? {}).includes(evidenceBucketName(plan, ACCOUNT)));
    // Assess
    expect(logging).toHaveLength(1);
    expect(logging[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Condition: {
        ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${evidenceBucketName(plan, ACCOUNT)}` },
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
      },
    });
  });

  it('sweeps after a failed, timed-out or aborted drill: the drill function with op sweep and the status and execution', () => {
    // Prepare
    const rule = Object.values(resourcesOf(orchestrator, 'AWS::Events::Rule')).find(
      (r) => r.Properties.Name === 'shop-drill-sweep-on-failure',
    )?.Properties as Json;
    const target = (rule.Targets as Json[])[0] as Json;
    const transformer = target.InputTransformer as {
      InputTemplate: string;
      InputPathsMap: Record<string, string>;
    };
    // Act
    const sample = JSON.parse(
      transformer.InputTemplate.replace(/<([\w-]+)>/g, (_all, key: string) =>
        key === 'detail-status'
          ? 'TIMED_OUT'
          : 'arn:aws:states:us-west-2:111111111111:execution:shop-drill:x',
      ),
    ) as Json;
    // Assess
    expect(rule.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        stateMachineArn: [{ Ref: expect.stringMatching(/DrillsStateMachine/) }],
        status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
      },
    });
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/DrillsDrillFunction/), 'Arn'] });
    // EventBridge's longest retry (24 h, 185 attempts): a late sweep still cleans up.
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
    expect(target.DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetters/), 'Arn'] },
    });
    expect(transformer.InputPathsMap).toEqual({
      'detail-status': '$.detail.status',
      'detail-executionArn': '$.detail.executionArn',
    });
    expect(sample).toEqual({
      op: 'sweep',
      reason: 'TIMED_OUT arn:aws:states:us-west-2:111111111111:execution:shop-drill:x',
    });
  });

  it('starts scheduled drills with the four execution-input fields, retried, with a dead-letter queue', () => {
    // Prepare
    const rule = Object.values(resourcesOf(orchestrator, 'AWS::Events::Rule')).find(
      (r) => r.Properties.Name === 'shop-drill-schedule',
    )?.Properties as Json;
    const target = (rule.Targets as Json[])[0] as Json;
    const transformer = target.InputTransformer as {
      InputTemplate: string;
      InputPathsMap: Record<string, string>;
    };
    // Act
    const input = JSON.parse(transformer.InputTemplate.replace('<id>', '"7e1d-event-id"')) as Json;
    // Assess
    expect(rule.ScheduleExpression).toBe(plan.drills.schedule);
    expect(target.Arn).toEqual({ Ref: expect.stringMatching(/DrillsStateMachine/) });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 3600 });
    expect(target.DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetters/), 'Arn'] },
    });
    expect(transformer.InputPathsMap).toEqual({ id: '$.id' });
    expect(input).toEqual({
      mode: 'drill',
      reason: 'scheduled drill',
      incidentId: '7e1d-event-id',
      requestedBy: 'schedule:shop-drill-schedule',
    });
  });

  it('gives a plan without a drills section drills by hand: the machine, its sweep, the drill name and evidence, no schedule', () => {
    // Prepare
    const rules = Object.values(resourcesOf(bare.templates.orchestrator, 'AWS::Events::Rule')).map(
      (r) => r.Properties.Name,
    );
    const machine = Object.values(
      resourcesOf(bare.templates.orchestrator, 'AWS::StepFunctions::StateMachine'),
    ).find((m) => m.Properties.StateMachineName === drillStateMachineName(bare.plan));
    const records = Object.values(resourcesOf(bare.templates.global, 'AWS::Route53::RecordSet')).map(
      (r) => r.Properties.Name,
    );
    // Act
    const definition = JSON.parse(String(machine?.Properties.DefinitionString)) as Json;
    // Assess: the schema's defaults (plan/schema.ts drills)
    expect(bare.plan.drills.schedule).toBeUndefined();
    expect(rules).toContain('shop-drill-sweep-on-failure');
    expect(rules).toContain('shop-evidence-on-status-change');
    expect(rules).not.toContain('shop-drill-schedule');
    expect(definition.TimeoutSeconds).toBe(180 * 60);
    expect(records.filter((name) => name === `drill.${bare.plan.dns.zoneName}.`)).toHaveLength(2);
    bare.templates.orchestrator.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: evidenceBucketName(bare.plan, ACCOUNT),
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 400 })] },
    });
  });

  describe('evidence of every run', () => {
    const evidenceFunction = () =>
      Object.entries(resourcesOf(orchestrator, 'AWS::Lambda::Function')).find(
        ([, f]) => f.Properties.FunctionName === 'shop-evidence',
      ) as [string, { Properties: Json }];

    it('writes the report of every ended failover and drill run: a rule on both machines\u2019 four end states', () => {
      // Prepare
      const [functionId] = evidenceFunction();
      const rule = Object.values(resourcesOf(orchestrator, 'AWS::Events::Rule')).find(
        (r) => r.Properties.Name === 'shop-evidence-on-status-change',
      )?.Properties as Json;
      // Act
      const target = (rule.Targets as Json[])[0] as Json;
      // Assess
      expect(rule.EventPattern).toEqual({
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [
            `arn:aws:states:${DR}:${ACCOUNT}:stateMachine:shop-failover`,
            `arn:aws:states:${DR}:${ACCOUNT}:stateMachine:shop-drill`,
          ],
          status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'],
        },
      });
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
      expect(target.InputTransformer).toBeUndefined();
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
      expect(target.DeadLetterConfig).toEqual({
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetters/), 'Arn'] },
      });
    });

    it('tells the evidence function its bucket and key, and lets it read runs, write reports and encrypt, nothing else', () => {
      // Prepare
      const [, fn] = evidenceFunction();
      const variables = (fn.Properties.Environment as { Variables: Json }).Variables;
      const [bucketId] = Object.keys(
        orchestrator.findResources('AWS::S3::Bucket', {
          Properties: { BucketName: evidenceBucketName(plan, ACCOUNT) },
        }),
      );
      // Act
      const statements = allowsOf(statementsOfPolicy(orchestrator, 'DisasterRecoveryDrillsEvidenceWriter'));
      const own = statements.filter(
        (s) =>
          !s.Action.every((a) => a.startsWith('logs:') || a.startsWith('xray:') || a === 'sqs:SendMessage'),
      );
      // Assess
      expect(variables.DRCTL_EVIDENCE_BUCKET).toEqual({ Ref: bucketId });
      expect(variables.DRCTL_EVIDENCE_KMS_KEY_ID).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/DrillsEvidenceKey/), 'Arn'],
      });
      expect(own.map((s) => [s.Sid, s.Action.sort()])).toEqual([
        ['ReadRunsOfBothMachines', ['states:DescribeExecution', 'states:GetExecutionHistory']],
        ['WriteReportsOnly', ['s3:GetObject', 's3:PutObject']],
        ['EncryptWithEvidenceKey', ['kms:GenerateDataKey']],
      ]);
      // both machines' runs and their child executions (one per database, per service)
      expect(own[0]?.Resource).toEqual([
        `arn:aws:states:${DR}:${ACCOUNT}:execution:shop-failover:*`,
        `arn:aws:states:${DR}:${ACCOUNT}:execution:shop-drill:*`,
        `arn:aws:states:${DR}:${ACCOUNT}:execution:shop-failover-promote-database:*`,
        `arn:aws:states:${DR}:${ACCOUNT}:execution:shop-failover-scale-service:*`,
        `arn:aws:states:${DR}:${ACCOUNT}:execution:shop-drill-promote-copy:*`,
        `arn:aws:states:${DR}:${ACCOUNT}:execution:shop-drill-scale-service:*`,
      ]);
      expect(own[1]?.Resource).toEqual([
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/runs/*']] },
      ]);
      expect(own[2]?.Resource).toEqual([variables.DRCTL_EVIDENCE_KMS_KEY_ID]);
    });
  });

  it('gates the drill name with an alarm of the traffic gate alarm\u2019s settings, on the drill metric', () => {
    // Prepare
    const alarms = Object.values(resourcesOf(orchestrator, 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties,
    );
    const drillGate = alarms.find((a) => a.AlarmName === drillGateAlarmName(plan)) as Json;
    const publicGate = alarms.find((a) => a.AlarmName === gateAlarmName(plan)) as Json;
    const settings = ({
      Statistic,
      Period,
      EvaluationPeriods,
      DatapointsToAlarm,
      Threshold,
      ComparisonOperator,
      TreatMissingData,
    }: Json) => ({
      Statistic,
      Period,
      EvaluationPeriods,
      DatapointsToAlarm,
      Threshold,
      ComparisonOperator,
      TreatMissingData,
    });
    // Assess
    expect(settings(drillGate)).toEqual(settings(publicGate));
    expect(drillGate).toMatchObject({
      Namespace: drillGateMetric(plan).namespace,
      MetricName: drillGateMetric(plan).metricName,
      Dimensions: drillGateMetric(plan).dimensions,
    });
    // A drill closes and opens it every time: people hear from the drill's notices instead.
    expect(drillGate.AlarmActions).toBeUndefined();
  });

  it('puts the drill name in the global stack: a gate check on the drill alarm and two failover records', () => {
    // Prepare
    const global = synth.templates.global;
    const checks = Object.entries(resourcesOf(global, 'AWS::Route53::HealthCheck'));
    const [checkId] = checks.find(
      ([, c]) =>
        (c.Properties.HealthCheckConfig as { AlarmIdentifier?: { Name: string } }).AlarmIdentifier?.Name ===
        drillGateAlarmName(plan),
    ) as [string, unknown];
    // Act
    const records = Object.values(resourcesOf(global, 'AWS::Route53::RecordSet'))
      .map((r) => r.Properties)
      .filter((r) => r.Name === `${drillRecordName(plan)}.`);
    // Assess
    global.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'CLOUDWATCH_METRIC',
        AlarmIdentifier: { Region: DR, Name: drillGateAlarmName(plan) },
        InsufficientDataHealthStatus: 'LastKnownStatus',
      },
    });
    expect(records).toHaveLength(2);
    expect(records.find((r) => r.Failover === 'PRIMARY')).toMatchObject({
      Type: 'CNAME',
      SetIdentifier: drillSetIdentifier(plan, 'primary'),
      ResourceRecords: [plan.application.primary.target],
      HealthCheckId: { 'Fn::GetAtt': [checkId, 'HealthCheckId'] },
    });
    expect(records.find((r) => r.Failover === 'SECONDARY')).toMatchObject({
      Type: 'CNAME',
      SetIdentifier: drillSetIdentifier(plan, 'dr'),
      ResourceRecords: [plan.application.dr.target],
    });
    expect(records.find((r) => r.Failover === 'SECONDARY')?.HealthCheckId).toBeUndefined();
  });

  describe('write canary (drills.canary.enabled)', () => {
    const canaryFunction = (template: Template, name: string) =>
      Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(
        ([, f]) => f.Properties.FunctionName === name,
      );

    it('runs the writer in the primary VPC every minute, reaching only the databases and HTTPS', () => {
      // Prepare
      const primary = synth.templates.primary;
      const [id, writer] = canaryFunction(primary, 'shop-canary') as [string, { Properties: Json }];
      const vpc = writer.Properties.VpcConfig as { SubnetIds: Json[]; SecurityGroupIds: Json[] };
      const sgId = (vpc.SecurityGroupIds[0] as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      // Act
      const schedule = Object.values(resourcesOf(primary, 'AWS::Events::Rule')).find((r) =>
        (r.Properties.Targets as Json[]).some((t) => JSON.stringify(t.Arn).includes(id)),
      );
      const egress = Object.values(resourcesOf(primary, 'AWS::EC2::SecurityGroupEgress')).filter(
        (e) => (e.Properties.GroupId as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0] === sgId,
      );
      const group = resourcesOf(primary, 'AWS::EC2::SecurityGroup')[sgId];
      // Assess
      expect(writer.Properties).toMatchObject({ MemorySize: 128, Timeout: 70 });
      expect((writer.Properties.Environment as { Variables: Json }).Variables.DRCTL_CANARY_ROLE).toBe(
        'writer',
      );
      expect(vpc.SubnetIds).toHaveLength(2);
      expect(JSON.stringify(vpc.SubnetIds)).toMatch(/privateSubnet/);
      expect(schedule?.Properties.ScheduleExpression).toBe('rate(1 minute)');
      expect(egress.map((e) => [e.Properties.IpProtocol, e.Properties.FromPort])).toEqual([['tcp', 3306]]);
      expect(group?.Properties.SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
      ]);
      primary.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 60,
      });
    });

    it('lets the writer read only the canary secrets and find only the plan primaries', () => {
      // Prepare
      const primary = synth.templates.primary;
      const secrets = Object.entries(resourcesOf(primary, 'AWS::SecretsManager::Secret'))
        .filter(([, s]) => String(s.Properties.Name).endsWith('/canary'))
        .map(([id]) => id);
      // Act
      const statements = allowsOf(statementsOfPolicy(primary, 'ApplicationCanaryFunctionRole'));
      const secretReads = statements.filter((s) => s.Action.includes('secretsmanager:GetSecretValue'));
      const describe = statements.filter((s) => s.Action.includes('rds:DescribeDBInstances'));
      // Assess
      expect(secrets).toHaveLength(2);
      expect(
        secretReads
          .flatMap((s) => s.Resource)
          .map((r) => (r as { Ref: string }).Ref)
          .sort(),
      ).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/ordersCanarySecretAttachment/),
          expect.stringMatching(/catalogCanarySecretAttachment/),
        ]),
      );
      expect(describe.flatMap((s) => s.Resource).sort()).toEqual([
        `arn:aws:rds:us-east-1:${ACCOUNT}:db:shop-catalog`,
        `arn:aws:rds:us-east-1:${ACCOUNT}:db:shop-orders`,
      ]);
      const mutating = statements
        .flatMap((s) => s.Action)
        .filter((a) => !isReadOnly(a) && !a.startsWith('ec2:'));
      expect(mutating.sort()).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    });

    it('creates each canary secret replicated to the DR region and rotated, and gives it to the user setup', () => {
      // Prepare
      const primary = synth.templates.primary;
      // Act
      const secrets = Object.values(resourcesOf(primary, 'AWS::SecretsManager::Secret')).filter((s) =>
        String(s.Properties.Name).endsWith('/canary'),
      );
      const users = Object.values(resourcesOf(primary, 'Custom::DrctlDatabaseUser'));
      // Assess
      expect(secrets.map((s) => s.Properties.Name).sort()).toEqual([
        'drctl/shop/catalog/canary',
        'drctl/shop/orders/canary',
      ]);
      for (const secret of secrets) {
        expect(secret.Properties.ReplicaRegions).toEqual([{ Region: DR }]);
        expect(JSON.stringify(secret.Properties.GenerateSecretString)).toContain(
          '\\"username\\":\\"drctl_canary\\"',
        );
      }
      expect(users).toHaveLength(2);
      for (const user of users) {
        expect(user.Properties.CanarySecretArn).toEqual({
          Ref: expect.stringMatching(/CanarySecretAttachment/),
        });
      }
      expect(
        Object.values(resourcesOf(primary, 'AWS::SecretsManager::RotationSchedule')).filter((r) =>
          JSON.stringify(r.Properties.SecretId).includes('CanarySecret'),
        ),
      ).toHaveLength(2);
    });

    it('runs the reader in the DR VPC with the copies’ security group, reading only the copies and the secret replicas', () => {
      // Prepare
      const dr = synth.templates.dr;
      const [, reader] = canaryFunction(dr, 'shop-canary-reader') as [string, { Properties: Json }];
      // Act
      const statements = allowsOf(statementsOfPolicy(dr, 'ApplicationCanaryFunctionRole'));
      const byAction = (action: string) =>
        statements.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource);
      // Assess
      expect(reader.Properties).toMatchObject({ MemorySize: 128, Timeout: 30 });
      expect((reader.Properties.Environment as { Variables: Json }).Variables.DRCTL_CANARY_ROLE).toBe(
        'reader',
      );
      expect(byAction('rds:DescribeDBInstances').sort()).toEqual([...copyArns].sort());
      expect(byAction('secretsmanager:GetSecretValue').sort()).toEqual([
        `arn:aws:secretsmanager:${DR}:${ACCOUNT}:secret:drctl/shop/catalog/canary-??????`,
        `arn:aws:secretsmanager:${DR}:${ACCOUNT}:secret:drctl/shop/orders/canary-??????`,
      ]);
      dr.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        IpProtocol: 'tcp',
        FromPort: 3306,
        Description: 'drctl write canary (reader)',
      });
    });

    it('deploys no canary, schedule, secret, user grant or canary invoke grant unless the plan enables it', () => {
      // Prepare: the reference plan without a drills section (canary off by default)
      const { primary, dr } = bare.templates;
      // Act
      const drillStatements = allowsOf(
        statementsOfPolicy(bare.templates.orchestrator, 'DisasterRecoveryDrillsDrillRole'),
      );
      const userSetup = allowsOf(statementsOfPolicy(primary, 'ApplicationDatabaseUsersRole'));
      // Assess
      expect(bare.plan.drills.canary.enabled).toBe(false);
      expect(canaryFunction(primary, 'shop-canary')).toBeUndefined();
      expect(canaryFunction(dr, 'shop-canary-reader')).toBeUndefined();
      expect(
        Object.values(resourcesOf(primary, 'AWS::Events::Rule')).map((r) => String(r.Properties.Name)),
      ).not.toContainEqual(expect.stringMatching(/canary/));
      expect(
        Object.values(resourcesOf(primary, 'AWS::SecretsManager::Secret')).map((s) =>
          String(s.Properties.Name),
        ),
      ).not.toContainEqual(expect.stringMatching(/canary/));
      for (const user of Object.values(resourcesOf(primary, 'Custom::DrctlDatabaseUser'))) {
        expect(user.Properties.CanarySecretArn).toBeUndefined();
      }
      expect(JSON.stringify(userSetup)).not.toMatch(/Canary/);
      expect(drillStatements.flatMap((s) => s.Action)).not.toContain('lambda:InvokeFunction');
    });
  });
});
