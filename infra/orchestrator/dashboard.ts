import { Duration } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  LogQueryWidget,
  MathExpression,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { gateMetric } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { ROUTE53_METRICS_REGION } from '../config/plan-environment.ts';
import { probeCloudWatchMetric } from './dr-side-detection.ts';
import { healthMetrics } from './health-metrics.ts';

export interface DrDashboardProps {
  plan: Plan;
  stateMachine: IStateMachine;
  executionLogs: ILogGroup;
}

/**
 * One page an operator opens during an incident: is the primary healthy, how far behind are the
 * replicas against the RPO budget, is the DR side ready, and what did the last executions do.
 */
export class DrDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: DrDashboardProps) {
    super(scope, id);
    const { plan } = props;
    const metrics = healthMetrics(plan);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${plan.name}-disaster-recovery`,
      defaultInterval: Duration.hours(6),
    });

    const primaryHealth = new GraphWidget({
      title: 'Primary health (1 = healthy)',
      width: 12,
      leftYAxis: { min: 0, max: 1.1 },
      left: [
        metrics.primaryHealthy.with({ label: 'health-monitor probe' }),
        probeCloudWatchMetric(plan, 'Minimum', Duration.minutes(1)).with({
          label: `primary-probe from ${plan.regions.dr}`,
        }),
        new MathExpression({
          label: '',
          expression: `SEARCH('{AWS/Route53,HealthCheckId} MetricName="HealthCheckStatus"', 'Minimum', 60)`,
          searchRegion: ROUTE53_METRICS_REGION,
          period: Duration.minutes(1),
        }),
      ],
    });
    const replicaLag = new GraphWidget({
      title: `Replica lag (s) against the RPO budget (${plan.objectives.rpoSeconds} s)`,
      width: 12,
      left: plan.databases.flatMap((db) => [
        new Metric({
          namespace: 'AWS/RDS',
          metricName: 'ReplicaLag',
          dimensionsMap: { DBInstanceIdentifier: db.replica.identifier },
          statistic: 'Maximum',
          period: Duration.minutes(1),
          region: plan.regions.dr,
          label: `${db.replica.identifier} (RDS)`,
        }),
        (metrics.replicaLag[db.id] as Metric).with({ label: `${db.id} (last active)` }),
      ]),
      leftAnnotations: [{ value: plan.objectives.rpoSeconds, label: 'RPO budget' }],
    });
    const gate = gateMetric(plan);
    const trafficGate = new GraphWidget({
      title: 'Traffic gate (1 = open: primary serves; 0 = closed: DR serves)',
      width: 12,
      leftYAxis: { min: 0, max: 1.1 },
      left: [
        new Metric({
          namespace: gate.namespace,
          metricName: gate.metricName,
          dimensionsMap: Object.fromEntries(gate.dimensions.map((d) => [d.Name, d.Value])),
          statistic: 'Minimum',
          period: Duration.minutes(1),
          label: 'PrimaryTrafficGate',
        }),
      ],
    });
    const readiness = new GraphWidget({
      title: 'DR readiness (1 = replicas and pilot-light services ready)',
      width: 12,
      leftYAxis: { min: 0, max: 1.1 },
      left: [metrics.drReadiness.with({ label: 'DrReadiness' })],
    });
    const executions = new GraphWidget({
      title: 'Failover executions',
      width: 12,
      left: [
        'ExecutionsStarted',
        'ExecutionsSucceeded',
        'ExecutionsFailed',
        'ExecutionsTimedOut',
        'ExecutionsAborted',
      ].map((name) =>
        props.stateMachine.metric(name, { statistic: 'Sum', period: Duration.hours(1), label: name }),
      ),
    });
    const lastExecutions = new LogQueryWidget({
      title: 'Last executions',
      width: 24,
      logGroupNames: [props.executionLogs.logGroupName],
      queryLines: [
        'fields @timestamp, type, execution_arn',
        'filter type in ["ExecutionStarted", "ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"]',
        'sort @timestamp desc',
        'limit 20',
      ],
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${plan.name}: ${plan.regions.primary} → ${plan.regions.dr}\nRTO ${plan.objectives.rtoSeconds} s · RPO ${plan.objectives.rpoSeconds} s · trigger ${plan.failover.trigger}`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(primaryHealth, replicaLag);
    this.dashboard.addWidgets(readiness, executions);
    if (plan.dns.strategy === 'gate') this.dashboard.addWidgets(trafficGate);
    this.dashboard.addWidgets(lastExecutions);
  }
}
