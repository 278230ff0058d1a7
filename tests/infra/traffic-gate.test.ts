import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  detectionAlarms,
  drDetectionAlarmName,
  drillGateAlarmName,
  failoverSetIdentifier,
  failoverStateMachineName,
  gateAlarmName,
  gateMetric,
  probeMetric,
} from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { allowsOf, statementsOfPolicy } from './iam-statements.ts';
import { planWith, referencePlan, resourcesOf, synthesizeOne, useInfraTimeouts } from './reference-app.ts';

useInfraTimeouts();

type Json = Record<string, unknown>;

/** The gate strategy and both detection paths as deployed (issue 9 item 5), from the reference plan. */
describe('traffic gate and detection paths (dns.strategy gate)', () => {
  let plan: Plan;
  let orchestrator: Template;
  let global: Template;
  /** One variant for the probe settings: every 2 minutes, 5 failed minutes. */
  let probeVariant: Template;
  beforeAll(() => {
    plan = referencePlan();
    orchestrator = synthesizeOne(plan, 'orchestrator');
    global = synthesizeOne(plan, 'global');
    probeVariant = synthesizeOne(
      planWith((p) => {
        p.detection = { ...p.detection, probe: { scheduleMinutes: 2, timeoutSeconds: 5, failedMinutes: 5 } };
      }),
      'orchestrator',
    );
  });

  const alarmNamed = (template: Template, name: string) =>
    Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).find(
      (a) => a.Properties.AlarmName === name,
    )?.Properties;

  it('alarms on the gate metric in the DR region: Minimum < 1 over 60 s, 1 of 1, missing data ignored', () => {
    // Act
    const gate = alarmNamed(orchestrator, gateAlarmName(plan));
    // Assess: the orchestrator stack lives in the DR region (orchestrator.test.ts)
    expect(gate).toMatchObject({
      Namespace: gateMetric(plan).namespace,
      MetricName: gateMetric(plan).metricName,
      Dimensions: gateMetric(plan).dimensions,
      Statistic: 'Minimum',
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'ignore',
    });
    // People hear when traffic moves, both ways.
    expect(gate?.AlarmActions).toEqual([{ Ref: expect.stringMatching(/Topic/) }]);
    expect(gate?.OKActions).toEqual([{ Ref: expect.stringMatching(/Topic/) }]);
  });

  it('health-checks the gate alarm in the DR region, keeping the last known status on missing data', () => {
    // Act
    // The public gate's check (the drill name has one of its own: drills.test.ts).
    const gateChecks = Object.values(resourcesOf(global, 'AWS::Route53::HealthCheck'))
      .filter((c) => (c.Properties.HealthCheckConfig as Json).Type === 'CLOUDWATCH_METRIC')
      .filter((c) => JSON.stringify(c.Properties.HealthCheckConfig).includes(gateAlarmName(plan)));
    // Assess
    expect(gateChecks).toHaveLength(1);
    expect(gateChecks[0]?.Properties.HealthCheckConfig).toEqual({
      Type: 'CLOUDWATCH_METRIC',
      AlarmIdentifier: { Region: plan.regions.dr, Name: gateAlarmName(plan) },
      InsufficientDataHealthStatus: 'LastKnownStatus',
    });
  });

  it('answers the public record with failover records: PRIMARY gated to the primary target, SECONDARY to DR', () => {
    // Prepare
    const checkId = Object.entries(resourcesOf(global, 'AWS::Route53::HealthCheck')).find(
      ([, c]) =>
        (c.Properties.HealthCheckConfig as Json).Type === 'CLOUDWATCH_METRIC' &&
        JSON.stringify(c.Properties.HealthCheckConfig).includes(gateAlarmName(plan)),
    )?.[0];
    // Act
    const records = Object.values(resourcesOf(global, 'AWS::Route53::RecordSet'))
      .map((r) => r.Properties)
      .filter((r) => r.Name === 'www.shop.example.com.');
    // Assess
    expect(records).toHaveLength(2);
    const common = {
      Name: 'www.shop.example.com.',
      Type: 'CNAME',
      TTL: '60',
      HostedZoneId: plan.dns.hostedZoneId,
    };
    expect(records).toEqual(
      expect.arrayContaining([
        {
          ...common,
          SetIdentifier: failoverSetIdentifier(plan, 'primary'),
          Failover: 'PRIMARY',
          HealthCheckId: { 'Fn::GetAtt': [checkId, 'HealthCheckId'] },
          ResourceRecords: [plan.application.primary.target],
        },
        {
          ...common,
          SetIdentifier: failoverSetIdentifier(plan, 'dr'),
          Failover: 'SECONDARY',
          ResourceRecords: [plan.application.dr.target],
        },
      ]),
    );
  });

  it('gives update-dns the gate and nothing of Route 53: DescribeAlarms on the gate alarm, PutMetricData in drctl', () => {
    // Act
    const statements = allowsOf(statementsOfPolicy(orchestrator, 'DisasterRecoveryUpdateDnsRole'));
    const own = statements.filter((s) => !s.Action.some((a) => /^(logs|xray|sqs):/.test(a)));
    // Assess
    expect(own.map((s) => [s.Action, s.Resource, s.Condition ?? null])).toEqual(
      expect.arrayContaining([
        [
          ['cloudwatch:DescribeAlarms'],
          [`arn:aws:cloudwatch:${plan.regions.dr}:111111111111:alarm:${gateAlarmName(plan)}`],
          null,
        ],
        [['cloudwatch:PutMetricData'], ['*'], { StringEquals: { 'cloudwatch:namespace': 'drctl' } }],
        // The run guard: the switch acts only for a failover run past its point of no return.
        [
          ['states:GetExecutionHistory'],
          [`arn:aws:states:${plan.regions.dr}:111111111111:execution:${plan.name}-failover:*`],
          null,
        ],
      ]),
    );
    expect(own).toHaveLength(3);
    expect(statements.flatMap((s) => s.Action).filter((a) => a.startsWith('route53:'))).toEqual([]);
  });

  it('gives health-monitor the gate alarm and the failover executions, built from the state machine name', () => {
    // Act
    const statements = allowsOf(statementsOfPolicy(orchestrator, 'DisasterRecoveryHealthMonitorRole'));
    const find = (action: string) => statements.find((s) => s.Action.includes(action))?.Resource;
    const alarmsRead = statements
      .filter((s) => s.Action.includes('cloudwatch:DescribeAlarms'))
      .flatMap((s) => s.Resource);
    // Assess
    const machine = failoverStateMachineName(plan);
    // The gate, and the detection alarms (preflight dates the detection for the run's RTO).
    expect(alarmsRead.sort()).toEqual(
      [
        `arn:aws:cloudwatch:us-west-2:111111111111:alarm:${gateAlarmName(plan)}`,
        ...detectionAlarms(plan).map(
          (alarm) => `arn:aws:cloudwatch:${alarm.region}:111111111111:alarm:${alarm.name}`,
        ),
      ].sort(),
    );
    expect(find('states:ListExecutions')).toEqual([
      `arn:aws:states:us-west-2:111111111111:stateMachine:${machine}`,
    ]);
    expect(find('states:DescribeExecution')).toEqual([
      `arn:aws:states:us-west-2:111111111111:execution:${machine}:*`,
    ]);
    expect(statements.flatMap((s) => s.Action).filter((a) => a.startsWith('route53:'))).toEqual([]);
    // The ARN names the deployed machine: the same name as in the template.
    orchestrator.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: machine });
  });

  it('deploys primary-probe with the shared defaults and a role that may only publish to drctl', () => {
    // Act
    const fn = Object.values(resourcesOf(orchestrator, 'AWS::Lambda::Function')).find(
      (f) => f.Properties.FunctionName === 'shop-primary-probe',
    )?.Properties;
    const statements = allowsOf(statementsOfPolicy(orchestrator, 'DisasterRecoveryPrimaryProbeRole'));
    // Assess
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: expect.objectContaining({ DRCTL_PLAN_FILE: 'plan.json' }) },
    });
    const actions = [...new Set(statements.flatMap((s) => s.Action))].sort();
    expect(actions).toEqual([
      'cloudwatch:PutMetricData',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:SendMessage',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const put = statements.find((s) => s.Action.includes('cloudwatch:PutMetricData'));
    expect(put?.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'drctl' } });
  });

  it('runs primary-probe every probe.scheduleMinutes, and a plan asking for 2 gets 2', () => {
    // Prepare
    const every2 = probeVariant;
    const schedule = (template: Template) =>
      Object.values(resourcesOf(template, 'AWS::Events::Rule')).find(
        (r) => r.Properties.Name === 'shop-primary-probe',
      )?.Properties;
    // Assess
    expect(schedule(orchestrator)).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        expect.objectContaining({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/PrimaryProbe/), 'Arn'] } }),
      ],
    });
    expect(schedule(every2)?.ScheduleExpression).toBe('rate(2 minutes)');
  });

  it('alarms on the probe metric after failedMinutes failed minutes in a row (N = M), missing data missing', () => {
    // Prepare
    const five = probeVariant;
    // Act
    const alarm = alarmNamed(orchestrator, drDetectionAlarmName(plan));
    // Assess
    expect(alarm).toMatchObject({
      Namespace: probeMetric(plan).namespace,
      MetricName: probeMetric(plan).metricName,
      Dimensions: probeMetric(plan).dimensions,
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'missing',
    });
    expect(alarmNamed(five, drDetectionAlarmName(plan))).toMatchObject({
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
    });
  });

  it('reaches the state machine from both detection alarms through one DR rule; the fast path stays M of N in us-east-1', () => {
    // Prepare
    const arns = detectionAlarms(plan).map(
      (a) => `arn:aws:cloudwatch:${a.region}:111111111111:alarm:${a.name}`,
    );
    // Act
    const rules = Object.values(resourcesOf(orchestrator, 'AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.EventPattern ?? {}).includes('CloudWatch Alarm State Change'),
    );
    const startsMachine = rules.filter((r) =>
      ((r.Properties.Targets ?? []) as Json[]).some((t) => JSON.stringify(t.Arn).includes('StateMachine')),
    );
    // Assess
    expect(startsMachine).toHaveLength(1);
    expect((startsMachine[0]?.Properties.EventPattern as Json | undefined)?.resources).toEqual(arns);
    global.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: detectionAlarms(plan)[0]?.name,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    global.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ resources: Match.arrayWith([arns[0]]) }),
      Targets: [
        Match.objectLike({ Arn: `arn:aws:events:${plan.regions.dr}:111111111111:event-bus/default` }),
      ],
    });
  });

  it('keeps simple and weighted as they were: no gate, Route 53 permissions for update-dns and the monitor', () => {
    for (const strategy of ['simple', 'weighted'] as const) {
      // Prepare
      const variant = planWith((p) => {
        p.dns = { ...p.dns, strategy };
      });
      // Act
      const orch = synthesizeOne(variant, 'orchestrator');
      const glob = synthesizeOne(variant, 'global');
      const dnsActions = allowsOf(statementsOfPolicy(orch, 'DisasterRecoveryUpdateDnsRole')).flatMap(
        (s) => s.Action,
      );
      const monitorStatements = allowsOf(statementsOfPolicy(orch, 'DisasterRecoveryHealthMonitorRole'));
      const monitorActions = monitorStatements.flatMap((s) => s.Action);
      const monitorAlarms = monitorStatements
        .filter((s) => s.Action.includes('cloudwatch:DescribeAlarms'))
        .flatMap((s) => s.Resource);
      // Assess
      expect(alarmNamed(orch, gateAlarmName(variant))).toBeUndefined();
      // The only CLOUDWATCH_METRIC check left is the drill name's (drills.test.ts).
      expect(
        Object.values(resourcesOf(glob, 'AWS::Route53::HealthCheck'))
          .filter((c) => (c.Properties.HealthCheckConfig as Json).Type === 'CLOUDWATCH_METRIC')
          .map(
            (c) =>
              (c.Properties.HealthCheckConfig as { AlarmIdentifier: { Name: string } }).AlarmIdentifier.Name,
          ),
      ).toEqual([drillGateAlarmName(variant)]);
      expect(dnsActions).toEqual(
        expect.arrayContaining(['route53:ChangeResourceRecordSets', 'route53:GetChange']),
      );
      expect(dnsActions).not.toContain('cloudwatch:PutMetricData');
      expect(monitorActions).toContain('route53:ListResourceRecordSets');
      // No gate to read: only the detection alarms, which preflight reads to date the detection.
      expect(monitorAlarms.some((arn) => String(arn).endsWith(`:alarm:${gateAlarmName(variant)}`))).toBe(
        false,
      );
      for (const record of Object.values(resourcesOf(glob, 'AWS::Route53::RecordSet')).filter(
        (r) => r.Properties.Name === 'www.shop.example.com.',
      )) {
        expect(record.Properties.Failover).toBeUndefined();
        expect(record.Properties.HealthCheckId).toBeUndefined();
      }
    }
  });
});
