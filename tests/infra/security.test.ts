import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { addSecurityChecks, listAcknowledgements } from '../../infra/nag.ts';
import {
  identityStatements,
  isReadOnly,
  statementsOfPolicy,
  type TemplateStatement,
} from './iam-statements.ts';
import {
  type CheckedApp,
  planWith,
  type StackKey,
  synthesizeCheckedReferenceApp,
  synthesizeOne,
  useInfraTimeouts,
} from './reference-app.ts';

/**
 * Write actions AWS authorizes only on "*" (the Service Authorization Reference lists no resource
 * type for them). Anything else that changes state must name its resources.
 */
const WRITE_ACTIONS_WITHOUT_RESOURCE_TYPES: Record<string, string> = {
  'xray:PutTraceSegments': 'X-Ray has no resource types for trace data',
  'xray:PutTelemetryRecords': 'X-Ray has no resource types for telemetry',
  'cloudwatch:PutMetricData': 'no resource type; must carry the cloudwatch:namespace condition',
  'logs:CreateLogDelivery': 'vended log delivery of Step Functions; no resource type',
  'logs:UpdateLogDelivery': 'vended log delivery of Step Functions; no resource type',
  'logs:DeleteLogDelivery': 'vended log delivery of Step Functions; no resource type',
  'logs:PutResourcePolicy': 'vended log delivery of Step Functions; no resource type',
};

const allows = (statements: TemplateStatement[]) => statements.filter((s) => s.Effect === 'Allow');

useInfraTimeouts();

/** One synth for the file, with the security checks on: least privilege reads its templates. */
let synth: CheckedApp;
beforeAll(() => {
  synth = synthesizeCheckedReferenceApp();
});

describe('least privilege', () => {
  it('never allows a mutating action on "*" in any stack', () => {
    // Prepare
    const offenders: string[] = [];
    // Act
    for (const [key, template] of Object.entries(synth.templates)) {
      for (const statement of allows(identityStatements(template))) {
        if (!statement.Resource.includes('*')) continue;
        for (const action of statement.Action) {
          if (isReadOnly(action)) continue;
          if (action in WRITE_ACTIONS_WITHOUT_RESOURCE_TYPES) continue;
          offenders.push(`${key}/${statement.policy}: ${action}`);
        }
      }
    }
    // Assess
    expect(offenders).toEqual([]);
  });

  it('detects a mutating action on "*" (the check above can fail)', () => {
    // Prepare
    const statement: TemplateStatement = {
      policy: 'Example',
      Effect: 'Allow',
      Action: ['rds:PromoteReadReplica', 'rds:DescribeDBInstances'],
      Resource: ['*'],
    };
    // Act
    const mutating = statement.Action.filter(
      (a) => !isReadOnly(a) && !(a in WRITE_ACTIONS_WITHOUT_RESOURCE_TYPES),
    );
    // Assess
    expect(mutating).toEqual(['rds:PromoteReadReplica']);
  });

  it('limits PutMetricData to a drctl namespace, for the four functions that publish', () => {
    // Prepare
    const all = Object.values(synth.templates).flatMap((t) => allows(identityStatements(t)));
    // Act
    const puts = all.filter((s) => s.Action.includes('cloudwatch:PutMetricData'));
    const namespaceOf = (s: TemplateStatement) =>
      [s.policy.replace(/Role.*$/, ''), s.Condition?.StringEquals?.['cloudwatch:namespace']] as const;
    // Assess: health-monitor (metrics), update-dns (closes the gate), primary-probe (its result) in
    // drctl; the drill function (the drill gate) in drctl/drill only, away from the public gate
    expect(puts.map(namespaceOf).sort()).toEqual([
      ['DisasterRecoveryDrillsDrill', 'drctl/drill'],
      ['DisasterRecoveryHealthMonitor', 'drctl'],
      ['DisasterRecoveryPrimaryProbe', 'drctl'],
      ['DisasterRecoveryUpdateDns', 'drctl'],
    ]);
    for (const put of puts) {
      expect(put.Action).toEqual(['cloudwatch:PutMetricData']);
      expect(Object.keys(put.Condition ?? {})).toEqual(['StringEquals']);
    }
  });

  it('lets promote-replica promote only the plan replica ARNs', () => {
    // Prepare
    const statements = statementsOfPolicy(synth.templates.orchestrator, 'DisasterRecoveryPromoteReplicaRole');
    // Act
    const rds = allows(statements).filter((s) => s.Action.some((a) => a.startsWith('rds:')));
    // Assess
    expect(rds).toHaveLength(1);
    expect(rds[0]?.Action.sort()).toEqual(['rds:DescribeDBInstances', 'rds:PromoteReadReplica']);
    expect(rds[0]?.Resource.sort()).toEqual([
      'arn:aws:rds:us-west-2:111111111111:db:shop-catalog-replica',
      'arn:aws:rds:us-west-2:111111111111:db:shop-orders-replica',
    ]);
    expect(actionsOf(statements)).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'rds:DescribeDBInstances',
      'rds:PromoteReadReplica',
      'sqs:SendMessage',
      'states:GetExecutionHistory',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    // The run guard reads the failover runs' histories, nothing else of Step Functions.
    const history = allows(statements).filter((s) => s.Action.includes('states:GetExecutionHistory'));
    expect(history.flatMap((s) => s.Resource)).toEqual([
      'arn:aws:states:us-west-2:111111111111:execution:shop-failover:*',
    ]);
  });

  it('lets scale-service update only the plan DR services, with the cluster condition', () => {
    // Prepare
    const statements = allows(
      statementsOfPolicy(synth.templates.orchestrator, 'DisasterRecoveryScaleServiceRole'),
    );
    // Act
    const update = statements.filter((s) => s.Action.includes('ecs:UpdateService'));
    const ecs = statements.filter((s) => s.Action.some((a) => a.startsWith('ecs:')));
    // Assess
    expect(update).toHaveLength(1);
    expect(update[0]?.Resource.sort()).toEqual([
      'arn:aws:ecs:us-west-2:111111111111:service/shop-dr/shop-api',
      'arn:aws:ecs:us-west-2:111111111111:service/shop-dr/shop-web',
      'arn:aws:ecs:us-west-2:111111111111:service/shop-dr/shop-worker',
    ]);
    for (const statement of ecs) {
      expect(statement.Condition).toEqual({
        ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-west-2:111111111111:cluster/shop-dr' },
      });
    }
    expect(ecs.flatMap((s) => s.Action).sort()).toEqual([
      'ecs:DescribeServices',
      'ecs:DescribeTasks',
      'ecs:ListTasks',
      'ecs:UpdateService',
    ]);
  });

  it('lets update-dns with the simple strategy only UPSERT the plan record as a CNAME in the plan zone, and denies DELETE', () => {
    // Prepare
    const simple = planWith((p) => {
      p.dns = { ...p.dns, strategy: 'simple' };
    });
    const statements = statementsOfPolicy(
      synthesizeOne(simple, 'orchestrator'),
      'DisasterRecoveryUpdateDnsRole',
    );
    const zone = 'arn:aws:route53:::hostedzone/Z0SHOPEXAMPLE00000001';
    // Act
    const change = statements.filter((s) => s.Action.includes('route53:ChangeResourceRecordSets'));
    const allow = change.filter((s) => s.Effect === 'Allow');
    const deny = change.filter((s) => s.Effect === 'Deny');
    // Assess
    expect(allow).toHaveLength(1);
    expect(allow[0]?.Resource).toEqual([zone]);
    expect(allow[0]?.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['www.shop.example.com'],
        'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
        'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
      },
    });
    expect(deny).toHaveLength(1);
    expect(deny[0]?.Condition).toEqual({
      'ForAnyValue:StringEquals': { 'route53:ChangeResourceRecordSetsActions': ['DELETE'] },
    });
    const getChange = allows(statements).find((s) => s.Action.includes('route53:GetChange'));
    expect(getChange?.Resource).toEqual(['arn:aws:route53:::change/*']);
    const list = allows(statements).find((s) => s.Action.includes('route53:ListResourceRecordSets'));
    expect(list?.Resource).toEqual([zone]);
  });

  it('lets notify publish only to the plan topic, with its key', () => {
    // Prepare
    const statements = allows(statementsOfPolicy(synth.templates.orchestrator, 'DisasterRecoveryNotifyRole'));
    // Act
    const publish = statements.filter((s) => s.Action.includes('sns:Publish'));
    const kms = statements.filter((s) => s.Action.some((a) => a.startsWith('kms:')));
    // Assess
    expect(publish).toHaveLength(1);
    expect(publish[0]?.Resource).toEqual([
      { Ref: expect.stringMatching(/^DisasterRecoveryNotificationsTopic/) },
    ]);
    expect(kms).toHaveLength(1);
    expect(kms[0]?.Resource).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^DisasterRecoveryNotificationsKey/), 'Arn'] },
    ]);
    expect(actionsOf(statements).filter((a) => !/^(logs|xray|sqs):/.test(a))).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey*',
      'sns:Publish',
    ]);
  });

  it('lets health-monitor read the plan databases, DR services, gate and executions, and nothing it could change', () => {
    // Prepare
    const statements = allows(
      statementsOfPolicy(synth.templates.orchestrator, 'DisasterRecoveryHealthMonitorRole'),
    );
    // Act
    const rds = statements.find((s) => s.Action.includes('rds:DescribeDBInstances'));
    const writes = actionsOf(statements).filter((a) => !isReadOnly(a) && !/^(logs|xray|sqs):/.test(a));
    // Assess
    expect(rds?.Resource).toHaveLength(4);
    expect(writes).toEqual(['cloudwatch:PutMetricData']);
    expect(actionsOf(statements).filter((a) => a.startsWith('route53:'))).toEqual([]);
  });

  it("lets the failover state machine invoke only its Task functions (not primary-probe, not the drill, not its children's)", () => {
    // Prepare
    const statements = allows(
      statementsOfPolicy(synth.templates.orchestrator, 'DisasterRecoveryFailoverStateMachineRole'),
    );
    // scale-service is invoked by the failover's scale-service child only
    const functionIds = Object.keys(synth.templates.orchestrator.findResources('AWS::Lambda::Function'))
      .filter(
        (id) =>
          !id.startsWith('DisasterRecoveryPrimaryProbe') &&
          !id.startsWith('DisasterRecoveryDrills') &&
          !id.startsWith('DisasterRecoveryScaleService'),
      )
      .sort();
    // Act
    const invoke = statements.filter((s) => s.Action.some((a) => a.startsWith('lambda:')));
    // Assess
    expect(invoke).toHaveLength(1);
    expect(invoke[0]?.Action).toEqual(['lambda:InvokeFunction']);
    const targets = ((invoke[0]?.Resource ?? []) as { 'Fn::GetAtt': [string, string] }[])
      .map((r) => r['Fn::GetAtt'][0])
      .sort();
    expect(targets).toEqual(functionIds);
  });

  it('runs each child execution with startExecution.sync:2 rights on its own children only, each child invoking only its function', () => {
    // Prepare
    const template = synth.templates.orchestrator;
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    const byName = Object.fromEntries(
      Object.values(machines).map((m) => [String(m.Properties.StateMachineName), m.Properties]),
    );
    const statementsOf = (name: string) => {
      const role =
        (byName[name]?.RoleArn as { 'Fn::GetAtt': [string] } | undefined)?.['Fn::GetAtt'][0] ?? name;
      return allows(
        identityStatements(template).filter((st) => st.policy.startsWith(role.replace(/[0-9A-F]{8}$/, ''))),
      );
    };
    const functionOf = (id: string) =>
      String(template.findResources('AWS::Lambda::Function')[id]?.Properties.FunctionName);

    // Act
    const children = {
      'shop-failover': ['shop-failover-promote-database', 'shop-failover-scale-service'],
      'shop-drill': ['shop-drill-promote-copy', 'shop-drill-scale-service'],
    };
    const invoked = {
      'shop-failover-promote-database': 'shop-promote-replica',
      'shop-failover-scale-service': 'shop-scale-service',
      'shop-drill-promote-copy': 'shop-drill',
      'shop-drill-scale-service': 'shop-scale-service',
    };

    // Assess
    expect(Object.keys(byName).sort()).toEqual([...Object.keys(children), ...Object.keys(invoked)].sort());
    for (const [parent, kids] of Object.entries(children)) {
      const statements = statementsOf(parent);
      const start = statements.find((st) => st.Sid === 'StartOnlyItsChildren');
      expect(start?.Action).toEqual(['states:StartExecution']);
      expect(start?.Resource).toHaveLength(2);
      const watch = statements.find((st) => st.Sid === 'WatchAndStopItsChildren');
      expect(watch?.Action).toEqual(['states:DescribeExecution', 'states:StopExecution']);
      expect(watch?.Resource).toEqual(
        kids.map((kid) => `arn:aws:states:us-west-2:111111111111:execution:${kid}:*`),
      );
      const rule = statements.find((st) => st.Sid === 'SyncExecutionRule');
      expect(rule?.Action).toEqual(['events:PutTargets', 'events:PutRule', 'events:DescribeRule']);
      expect(rule?.Resource).toEqual([
        'arn:aws:events:us-west-2:111111111111:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule',
      ]);
    }
    for (const [child, fn] of Object.entries(invoked)) {
      const statements = statementsOf(child);
      const invoke = statements.filter((st) => st.Action.some((a) => a.startsWith('lambda:')));
      expect(invoke).toHaveLength(1);
      expect(
        ((invoke[0]?.Resource ?? []) as { 'Fn::GetAtt': [string] }[]).map((r) =>
          functionOf(r['Fn::GetAtt'][0]),
        ),
      ).toEqual([fn]);
      expect(statements.some((st) => st.Action.some((a) => a.startsWith('states:')))).toBe(false);
      expect(byName[child]).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      });
    }
  });

  it('gives each function its own role', () => {
    // Prepare
    const functions = Object.values(synth.templates.orchestrator.findResources('AWS::Lambda::Function'));
    // Act
    const roles = new Set(functions.map((fn) => JSON.stringify(fn.Properties.Role)));
    // Assess
    expect(roles.size).toBe(functions.length);
    expect(functions).toHaveLength(10);
  });

  it.each(['primary', 'dr', 'global'] satisfies StackKey[])(
    'keeps the %s stack free of wildcard write grants too',
    (key) => {
      // Prepare
      const statements = allows(identityStatements(synth.templates[key]));
      // Act
      const wildcardWrites = statements
        .filter((s) => s.Resource.includes('*'))
        .flatMap((s) => s.Action)
        .filter((a) => !isReadOnly(a) && !a.startsWith('xray:'));
      // Assess
      expect(wildcardWrites).toEqual([]);
    },
  );
});

function actionsOf(statements: TemplateStatement[]): string[] {
  return [...new Set(statements.flatMap((s) => s.Action))].sort();
}

interface ValidationReport {
  pluginReports: { pluginName: string; conclusion: string; violations?: { ruleName: string }[] }[];
}

function readReport(outdir: string): ValidationReport | undefined {
  const file = join(outdir, 'validation-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ValidationReport) : undefined;
}

describe('security checks (cdk-nag AwsSolutions and Serverless)', () => {
  it('synthesizes every stack with zero unacknowledged findings', () => {
    // Prepare
    const report = readReport(synth.outdir);
    // Act
    const violations = (report?.pluginReports ?? []).flatMap((p) =>
      (p.violations ?? []).map((v) => `${p.pluginName}: ${v.ruleName}`),
    );
    // Assess
    expect(synth.synthError).toBeUndefined();
    expect(violations).toEqual([]);
  });

  it('gives every acknowledgement a finding id and a real reason', () => {
    // Act
    const acknowledged = listAcknowledgements(synth.app);
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
