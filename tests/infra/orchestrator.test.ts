import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMESPACE } from '../../functions/health-monitor/publish-metrics.ts';
import { addSecurityChecks, DisasterRecovery } from '../../infra/index.ts';
import { ARN_SUBSTITUTIONS } from '../../infra/orchestrator/failover-state-machine.ts';
import { OrchestratorStack } from '../../infra/stacks/orchestrator-stack.ts';
import type { Plan } from '../../plan/schema.ts';
import { CHILD_MACHINES, START_CHILD_RESOURCE } from '../../statemachines/definition.ts';
import {
  planWith,
  REPO_ROOT,
  referencePlan,
  resourcesOf,
  synthesizeOne,
  templateApp,
  useInfraTimeouts,
} from './reference-app.ts';

useInfraTimeouts();

const ASL_FILE = resolve(REPO_ROOT, 'statemachines', 'failover.asl.json');

type Json = Record<string, unknown>;

describe('orchestrator stack', () => {
  // Only the orchestrator stack is synthesized here (the reference app's other five are not needed).
  let synth: { plan: Plan; stack: OrchestratorStack; templates: { orchestrator: Template } };
  beforeAll(() => {
    const plan = referencePlan();
    const app = templateApp();
    const stack = new OrchestratorStack(app, 'shop-orchestrator', { plan });
    synth = { plan, stack, templates: { orchestrator: Template.fromStack(stack) } };
  });

  it('lives in the DR region', () => {
    // Assess
    expect(synth.stack.region).toBe(synth.plan.regions.dr);
  });

  it('inlines the ASL file with every ARN substitution resolved to a function of the same stack', () => {
    // Prepare
    const template = synth.templates.orchestrator;
    // The failover machine; the drill machine beside it is drills.test.ts's.
    const machines = Object.values(resourcesOf(template, 'AWS::StepFunctions::StateMachine')).filter(
      (m) => m.Properties.StateMachineName === 'shop-failover',
    );
    expect(machines).toHaveLength(1);
    const props = machines[0]?.Properties as Json;
    const substitutions = props.DefinitionSubstitutions as Record<
      string,
      { 'Fn::GetAtt': [string, string] } | { Ref: string }
    >;
    const functionIds = Object.keys(resourcesOf(template, 'AWS::Lambda::Function'));
    const machineIds = Object.keys(resourcesOf(template, 'AWS::StepFunctions::StateMachine'));

    // Act
    const inline = props.DefinitionString;
    const fileText = readFileSync(ASL_FILE, 'utf8');

    // Assess: the definition is the file itself (not an S3 asset), placeholders intact for CFN
    expect(typeof inline).toBe('string');
    expect(props.DefinitionS3Location).toBeUndefined();
    expect(JSON.parse(inline as string)).toEqual(JSON.parse(fileText));
    expect(Object.keys(substitutions).sort()).toEqual(
      [
        ...Object.values(ARN_SUBSTITUTIONS),
        CHILD_MACHINES.promoteDatabase.substitution,
        CHILD_MACHINES.scaleService.substitution,
      ].sort(),
    );
    const resolved = JSON.parse(
      (inline as string).replace(/\$\{(\w+)\}/g, (_all, name: string) => {
        const ref = substitutions[name];
        if (!ref) throw new Error(`no substitution for \${${name}}`);
        return 'Ref' in ref ? `states:${ref.Ref}` : `lambda:${ref['Fn::GetAtt'][0]}`;
      }),
    ) as Json;
    const tasks = taskStates(resolved);
    expect(tasks.length).toBeGreaterThanOrEqual(5);
    for (const task of tasks) {
      if (task.Resource === START_CHILD_RESOURCE) {
        // a child execution of a state machine of the same stack
        const child = String((task.Parameters as Json).StateMachineArn);
        expect(child).toMatch(/^states:/);
        expect(machineIds).toContain(child.slice('states:'.length));
        continue;
      }
      expect(task.Resource).toMatch(/^lambda:/);
      expect(functionIds).toContain(String(task.Resource).slice('lambda:'.length));
    }
  });

  it('logs ALL events with execution data and traces with X-Ray', () => {
    // Assess
    synth.templates.orchestrator.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
  });

  it('alarms on failed, timed-out and aborted executions, notifying the topic', () => {
    // Prepare
    const alarms = Object.values(resourcesOf(synth.templates.orchestrator, 'AWS::CloudWatch::Alarm'));
    // Act
    const metrics = alarms
      .filter((a) => a.Properties.Namespace === 'AWS/States')
      .filter((a) => String(a.Properties.AlarmName).startsWith('shop-failover-'))
      .map((a) => a.Properties.MetricName);
    // Assess
    expect(metrics.sort()).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
    // Every alarm tells people, except the detection alarm, which starts the failover (a rule), and
    // the drill gate, which every drill closes and opens (its notices say so).
    for (const alarm of alarms) {
      if (
        ['shop-primary-unreachable-from-dr', 'shop-drill-gate-closed'].includes(
          String(alarm.Properties.AlarmName),
        )
      ) {
        expect(alarm.Properties.AlarmActions).toBeUndefined();
      } else {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/Topic/) }]);
      }
    }
  });

  it('builds every function with the shared defaults and the bundled plan', () => {
    // Prepare
    const functions = Object.values(resourcesOf(synth.templates.orchestrator, 'AWS::Lambda::Function'));
    // Assess
    expect(functions).toHaveLength(10);
    for (const fn of functions) {
      const p = fn.Properties as Json;
      expect(p.Runtime).toBe('nodejs24.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.TracingConfig).toEqual({ Mode: 'Active' });
      expect(p.MemorySize).toEqual(expect.any(Number));
      expect(p.Timeout).toEqual(expect.any(Number));
      expect(p.LoggingConfig).toEqual({ LogGroup: { Ref: expect.any(String) } });
      const env = (p.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.DRCTL_PLAN_FILE).toBe('plan.json');
      // No --enable-source-maps: it parses the whole source map at every cold start (bundle-options.ts).
      expect(env.NODE_OPTIONS).toBeUndefined();
    }
    const names = functions.map((fn) => fn.Properties.FunctionName).sort();
    expect(names).toEqual([
      'shop-approval',
      'shop-drill',
      'shop-evidence',
      'shop-fence-primary',
      'shop-health-monitor',
      'shop-notify',
      'shop-primary-probe',
      'shop-promote-replica',
      'shop-scale-service',
      'shop-update-dns',
    ]);
    // One per function, one per state machine.
    // 10 functions, the failover and drill machines, and their four children
    synth.templates.orchestrator.resourceCountIs('AWS::Logs::LogGroup', 16);
    synth.templates.orchestrator.allResourcesProperties('AWS::Logs::LogGroup', {
      RetentionInDays: Match.anyValue(),
    });
  });

  it('gives notify the topic ARN', () => {
    // Assess
    synth.templates.orchestrator.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'shop-notify',
      Environment: {
        Variables: Match.objectLike({ DRCTL_TOPIC_ARN: { Ref: Match.stringLikeRegexp('Topic') } }),
      },
    });
  });

  it('runs health-monitor at the plan schedule rate', () => {
    // Prepare
    const every15 = synthesizeOne(
      planWith((p) => {
        p.detection = { ...p.detection, scheduleMinutes: 15 };
      }),
      'orchestrator',
    );
    // Assess
    synth.templates.orchestrator.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('HealthMonitorFunction'), 'Arn'] } }),
      ],
    });
    every15.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
    });
  });

  it('starts the state machine on either detection alarm with exactly the four execution-input fields', () => {
    // Prepare
    const rules = Object.values(resourcesOf(synth.templates.orchestrator, 'AWS::Events::Rule'));
    // Act
    const trigger = rules.find((r) => r.Properties.Name === 'shop-failover-on-alarm');
    const target = ((trigger?.Properties.Targets ?? []) as Json[])[0] as Json;
    const transformer = target.InputTransformer as {
      InputTemplate: string;
      InputPathsMap: Record<string, string>;
    };
    const sample = transformer.InputTemplate.replace(/<([\w-]+)>/g, (_all, key: string) =>
      key === 'id' ? '"0d3c-event-id"' : 'shop-primary-endpoint-unhealthy',
    );
    // Assess
    // One rule for both paths: the fast path forwarded from us-east-1, the DR-side probe alarm here.
    expect(trigger?.Properties.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      resources: [
        'arn:aws:cloudwatch:us-east-1:111111111111:alarm:shop-primary-endpoint-unhealthy',
        'arn:aws:cloudwatch:us-west-2:111111111111:alarm:shop-primary-unreachable-from-dr',
      ],
      detail: { state: { value: ['ALARM'] } },
    });
    expect(trigger?.Properties.State).toBe('ENABLED');
    expect(target.Arn).toEqual({ Ref: expect.stringMatching(/StateMachine/) });
    expect(transformer.InputPathsMap).toEqual({ id: '$.id', 'detail-alarmName': '$.detail.alarmName' });
    const input = JSON.parse(sample) as Json;
    expect(Object.keys(input).sort()).toEqual(['incidentId', 'mode', 'reason', 'requestedBy']);
    expect(input).toMatchObject({
      mode: 'failover',
      incidentId: '0d3c-event-id',
      requestedBy: 'alarm:shop-primary-endpoint-unhealthy',
    });
    expect((input.reason as string).length).toBeLessThanOrEqual(500);
  });

  it('with trigger approval, starts the run all the same: it waits for a decision before the point of no return', () => {
    // Prepare
    const approval = synthesizeOne(
      planWith((p) => {
        p.failover = { ...p.failover, trigger: 'approval' };
      }),
      'orchestrator',
    );
    // Act
    const rules = Object.values(resourcesOf(approval, 'AWS::Events::Rule'));
    const trigger = rules.find((r) => r.Properties.Name === 'shop-failover-on-alarm');
    // Assess
    const targets = trigger?.Properties.Targets as Json[];
    expect(targets).toHaveLength(1);
    expect(targets[0]?.Arn).toEqual({ Ref: expect.stringMatching(/StateMachine/) });
    expect(trigger?.Properties.Description).toContain('waits for approval');
  });

  it('lets the approval function read only decision parameters, and the deciders write them once per run', () => {
    // Prepare
    const template = synth.templates.orchestrator;
    // Act
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy'));
    const deciders = policies.find((p) => p.Properties.ManagedPolicyName === 'shop-drctl-deciders');
    // Assess
    const statements =
      (deciders?.Properties.PolicyDocument as { Statement: Json[] } | undefined)?.Statement ?? [];
    expect(statements.find((s) => s.Sid === 'WriteDecisions')).toMatchObject({
      Action: ['ssm:PutParameter', 'ssm:GetParameter'],
      Resource: 'arn:aws:ssm:us-west-2:111111111111:parameter/drctl/shop/decisions/*',
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ReadRunDecisions',
            Action: 'ssm:GetParameter',
            Resource: 'arn:aws:ssm:us-west-2:111111111111:parameter/drctl/shop/decisions/*',
          }),
        ]),
      },
    });
  });

  it("fences the old primary only on its own services and the plan's parameter groups, every few minutes too", () => {
    // Prepare
    const template = synth.templates.orchestrator;
    // Assess
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'FencePrimaryServicesShop',
            Action: ['ecs:DescribeServices', 'ecs:UpdateService'],
            Resource: [
              'arn:aws:ecs:us-east-1:111111111111:service/shop/shop-web',
              'arn:aws:ecs:us-east-1:111111111111:service/shop/shop-api',
              'arn:aws:ecs:us-east-1:111111111111:service/shop/shop-worker',
            ],
          }),
          Match.objectLike({
            Sid: 'FencePrimaryParameterGroups',
            Action: ['rds:DescribeDBParameters', 'rds:ModifyDBParameterGroup'],
            Resource: 'arn:aws:rds:us-east-1:111111111111:pg:*',
            Condition: { StringEquals: { 'rds:pg-tag/drctl:plan': 'shop' } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'shop-fence-primary',
      ScheduleExpression: 'rate(5 minutes)',
    });
  });

  it('encrypts the topic with a customer-managed key whose policy lets CloudWatch use it', () => {
    // Prepare
    const template = synth.templates.orchestrator;
    // Assess
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'shop-dr-events',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('NotificationsKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey*']),
          }),
        ]),
      },
    });
  });

  it('denies publishing to the topic without TLS and subscribes the plan emails with a dead-letter queue', () => {
    // Assess
    synth.templates.orchestrator.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    synth.templates.orchestrator.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      RedrivePolicy: Match.objectLike({ deadLetterTargetArn: Match.anyValue() }),
    });
  });

  it('warns on the topic when the DR side is not ready or a replica lags past the RPO budget', () => {
    // Prepare
    const alarms = Object.values(resourcesOf(synth.templates.orchestrator, 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties,
    );
    // Act
    const drctl = alarms.filter((a) => a.Namespace === METRIC_NAMESPACE);
    // Assess
    const readiness = drctl.filter(
      (a) => a.AlarmName === 'shop-dr-not-ready' || /replica-lag/.test(a.AlarmName as string),
    );
    expect(
      readiness.map((a) => [a.MetricName, a.Threshold, a.ComparisonOperator, a.TreatMissingData]).sort(),
    ).toEqual([
      ['DrReadiness', 1, 'LessThanThreshold', 'missing'],
      ['ReplicaLagSeconds', 60, 'GreaterThanThreshold', 'missing'],
      ['ReplicaLagSeconds', 60, 'GreaterThanThreshold', 'missing'],
    ]);
    for (const alarm of readiness) {
      expect(alarm.Dimensions).toEqual(expect.arrayContaining([{ Name: 'Plan', Value: 'shop' }]));
      expect(alarm.Period).toBe(300);
    }
  });

  it('has a dashboard with health, replica lag against the RPO budget, readiness and last executions', () => {
    // Prepare
    const dashboards = Object.values(resourcesOf(synth.templates.orchestrator, 'AWS::CloudWatch::Dashboard'));
    // Act
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    // Assess
    expect(dashboards).toHaveLength(1);
    for (const text of [
      'HealthCheckStatus',
      'PrimaryHealthy',
      'ReplicaLagSeconds',
      'shop-orders-replica',
      'RPO budget',
      'DrReadiness',
      'PrimaryReachableFromDr',
      'PrimaryTrafficGate',
      'Last executions',
    ]) {
      expect(body).toContain(text);
    }
  });
});

/** Every Task state's Resource, including inside Parallel branches and Map iterators. */
function taskStates(definition: Json): Json[] {
  const out: Json[] = [];
  const visit = (states: Record<string, Json>) => {
    for (const state of Object.values(states)) {
      if (state.Type === 'Task') out.push(state);
      for (const branch of (state.Branches as Json[] | undefined) ?? [])
        visit(branch.States as Record<string, Json>);
      const iterator = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
      if (iterator) visit(iterator.States as Record<string, Json>);
    }
  };
  visit(definition.States as Record<string, Json>);
  return out;
}

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
      'approval',
      'fence-primary',
      'health-monitor',
      'notify',
      'primary-probe',
      'promote-replica',
      'scale-service',
      'update-dns',
    ]);
    expect(dr.drills.drillFunction.function).toBeDefined();
    expect(dr.drills.evidenceWriter.fn.function).toBeDefined();
    template.resourceCountIs('AWS::Lambda::Function', 10);
    // the failover and the drill, each with its two children (a promotion's, a scaling's)
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 6);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    // The evidence bucket is the only bucket (without a log bucket given, acknowledged).
    template.resourceCountIs('AWS::S3::Bucket', 1);
    for (const type of ['AWS::EC2::VPC', 'AWS::RDS::DBInstance', 'AWS::ECS::Service']) {
      template.resourceCountIs(type, 0);
    }
    expect(() => app.synth()).not.toThrow();
  });
});
