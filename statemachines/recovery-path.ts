import { ROUTE53_CONTROL_PLANE_REGION, ROUTE53_METRICS_REGION } from '../plan/names.ts';
import type { Plan } from '../plan/schema.ts';

/**
 * What the failover's recovery path calls, step by step, declared from the plan. `drctl
 * readiness` prints it and judges it against the loss of the primary region; a world test checks
 * that every call a failover really makes is declared here, so the two cannot drift apart.
 * Service names are the local world's (sfn, lambda, rds, ecs, cloudwatch, sns, route53); `dns`
 * is Route 53's data plane (answers to queries and the health checkers, served from every
 * location), `events` EventBridge, `http` the
 * application endpoint of a region.
 */
export interface RecoveryCall {
  service:
    | 'sfn'
    | 'lambda'
    | 'rds'
    | 'ecs'
    | 'cloudwatch'
    | 'sns'
    | 'ssm'
    | 'events'
    | 'route53'
    | 'dns'
    | 'http';
  /** The region that serves the call; `global` for a data plane served everywhere. */
  region: string;
  operations: string[];
  /** Required: the failover cannot succeed without it. Others are caught or best effort. */
  required: boolean;
  what: string;
}

export interface RecoveryStep {
  step: string;
  /** The function that makes the calls, or the service that runs the step. */
  by: string;
  calls: RecoveryCall[];
}

export function recoveryPath(plan: Plan): RecoveryStep[] {
  const dr = plan.regions.dr;
  const gate = plan.dns.strategy === 'gate';
  // Promoting, fencing and moving traffic first read the run's history (functions/shared/run-guard.ts).
  const runGuard = (required: boolean): RecoveryCall => ({
    service: 'sfn',
    region: dr,
    operations: ['GetExecutionHistory'],
    required,
    what: 'the run is past its point of no return (once per run and container)',
  });
  const trafficRead: RecoveryCall = gate
    ? {
        service: 'cloudwatch',
        region: dr,
        operations: ['DescribeAlarms'],
        required: true,
        what: 'the traffic gate alarm',
      }
    : {
        service: 'route53',
        region: ROUTE53_CONTROL_PLANE_REGION,
        operations: ['ListResourceRecordSets'],
        required: true,
        what: `the public record ${plan.dns.record} (Route 53 API)`,
      };
  return [
    {
      step: 'Orchestration',
      by: 'Step Functions',
      calls: [
        {
          service: 'sfn',
          region: dr,
          operations: ['StartExecution'],
          required: true,
          what: 'the failover state machine, and its child executions (one per database, per service)',
        },
        {
          service: 'lambda',
          region: dr,
          operations: ['Invoke'],
          required: true,
          what: 'every Task of the state machine',
        },
      ],
    },
    {
      step: 'Preflight',
      by: 'health-monitor',
      calls: [
        {
          service: 'sfn',
          region: dr,
          operations: ['ListExecutions', 'DescribeExecution'],
          required: true,
          what: 'one failover at a time',
        },
        {
          service: 'rds',
          region: dr,
          operations: ['DescribeDBInstances'],
          required: true,
          what: 'the replicas',
        },
        {
          service: 'ecs',
          region: dr,
          operations: ['DescribeServices'],
          required: true,
          what: 'the pilot-light services',
        },
        {
          service: 'cloudwatch',
          region: dr,
          operations: ['GetMetricStatistics'],
          required: true,
          what: 'replica lag for the RPO guard',
        },
        trafficRead,
        ...detectionAlarmReads(plan),
      ],
    },
    {
      step: 'Decision',
      by: 'approval',
      calls: [
        {
          service: 'ssm',
          region: dr,
          operations: ['GetParameter', 'DescribeParameters'],
          // Only runs that wait for a person read it: every alarm-started one with trigger approval.
          required: plan.failover.trigger === 'approval',
          what: 'the decision parameter (when the run waits for a person)',
        },
      ],
    },
    {
      step: 'Confirm',
      by: 'health-monitor',
      calls: [
        {
          service: 'sfn',
          region: dr,
          operations: ['ListExecutions', 'DescribeExecution'],
          required: true,
          what: 'the lock, once more before the point of no return',
        },
        {
          service: 'http',
          region: plan.regions.primary,
          operations: ['GET'],
          required: false,
          what: `${plan.application.primary.healthUrl} still down (alarm-started runs; no answer is down)`,
        },
      ],
    },
    {
      step: 'Notify started',
      by: 'notify',
      calls: [
        {
          service: 'sns',
          region: dr,
          operations: ['Publish'],
          required: false,
          what: 'the started notice (caught)',
        },
      ],
    },
    {
      step: 'Promote databases',
      by: 'promote-replica',
      calls: [
        {
          service: 'rds',
          region: dr,
          operations: ['DescribeDBInstances', 'PromoteReadReplica'],
          required: true,
          what: 'each replica',
        },
        runGuard(true),
      ],
    },
    {
      step: 'Scale services',
      by: 'scale-service',
      calls: [
        {
          service: 'ecs',
          region: dr,
          operations: ['DescribeServices', 'UpdateService', 'ListTasks', 'DescribeTasks'],
          required: true,
          what: 'each DR service',
        },
      ],
    },
    {
      step: 'Fence the old primary',
      by: 'fence-primary',
      calls: [
        runGuard(false),
        {
          service: 'ecs',
          region: plan.regions.primary,
          operations: ['DescribeServices', 'UpdateService'],
          required: false,
          what: 'the old primary services to 0 (pending while the region does not answer)',
        },
        {
          service: 'rds',
          region: plan.regions.primary,
          operations: ['DescribeDBInstances', 'DescribeDBParameters', 'ModifyDBParameterGroup'],
          required: false,
          what: 'the old primary databases read only',
        },
        {
          service: 'rds',
          region: dr,
          operations: ['DescribeDBInstances'],
          required: false,
          what: 'whether the recovery is complete (ends the fencing loop)',
        },
        {
          service: 'ecs',
          region: dr,
          operations: ['DescribeServices'],
          required: false,
          what: 'whether the recovery is complete (ends the fencing loop)',
        },
      ],
    },
    {
      step: 'Switch traffic',
      by: 'update-dns',
      calls: gate
        ? [
            {
              service: 'cloudwatch',
              region: dr,
              operations: ['DescribeAlarms', 'PutMetricData'],
              required: true,
              what: 'close the traffic gate (data plane)',
            },
            runGuard(true),
          ]
        : [
            {
              service: 'route53',
              region: ROUTE53_CONTROL_PLANE_REGION,
              operations: ['ListResourceRecordSets', 'ChangeResourceRecordSets', 'GetChange'],
              required: true,
              what: `change ${plan.dns.record} (Route 53 API, control plane)`,
            },
            runGuard(true),
          ],
    },
    {
      step: 'Verify',
      by: 'health-monitor',
      calls: [
        {
          service: 'http',
          region: dr,
          operations: ['GET'],
          required: true,
          what: plan.application.dr.healthUrl,
        },
        {
          service: 'dns',
          region: 'global',
          operations: ['query'],
          required: false,
          what: `where ${plan.dns.record} resolves (an unknown answer does not fail the run)`,
        },
      ],
    },
    {
      step: 'Notify result',
      by: 'notify',
      calls: [
        {
          service: 'sns',
          region: dr,
          operations: ['Publish'],
          required: false,
          what: 'the result notice (caught)',
        },
      ],
    },
  ];
}

/** How a failover gets started: each path and what it depends on. */
export interface DetectionPathDependencies {
  path: string;
  calls: RecoveryCall[];
}

export function detectionPaths(plan: Plan): DetectionPathDependencies[] {
  const dr = plan.regions.dr;
  return [
    {
      path: 'Route 53 health check (fast path)',
      calls: [
        {
          service: 'dns',
          region: 'global',
          operations: ['health check'],
          required: true,
          what: 'Route 53 health checkers',
        },
        {
          service: 'cloudwatch',
          region: ROUTE53_METRICS_REGION,
          operations: ['HealthCheckStatus', 'alarm'],
          required: true,
          what: 'Route 53 health-check metrics exist only in us-east-1',
        },
        {
          service: 'events',
          region: ROUTE53_METRICS_REGION,
          operations: ['rule: forward to the DR bus'],
          required: true,
          what: 'the rule that forwards the alarm to the DR event bus',
        },
      ],
    },
    {
      path: 'DR-side probe',
      calls: [
        {
          service: 'lambda',
          region: dr,
          operations: ['primary-probe'],
          required: true,
          what: 'probes from the DR region',
        },
        {
          service: 'cloudwatch',
          region: dr,
          operations: ['PutMetricData', 'alarm'],
          required: true,
          what: 'the DR-side alarm',
        },
        {
          service: 'events',
          region: dr,
          operations: ['rule: start the failover'],
          required: true,
          what: 'the DR rule that starts the state machine',
        },
      ],
    },
  ];
}

/** Whether a call still works when the primary region is lost (and, with it, us-east-1's control planes if it is us-east-1). */
export function survivesPrimaryLoss(call: RecoveryCall, plan: Plan): boolean {
  return call.region !== plan.regions.primary;
}

/**
 * When the outage was detected, for the run's report (its RTO on AWS runs from it): the detection
 * alarms, read best effort; a failed read leaves the time unknown and the run goes on.
 */
function detectionAlarmReads(plan: Plan): RecoveryCall[] {
  const dr = plan.regions.dr;
  return [
    {
      service: 'cloudwatch',
      region: dr,
      operations: ['DescribeAlarms'],
      required: false,
      what: 'the DR-side detection alarm (when the outage was detected)',
    },
    ...(ROUTE53_METRICS_REGION === dr
      ? []
      : [
          {
            service: 'cloudwatch' as const,
            region: ROUTE53_METRICS_REGION,
            operations: ['DescribeAlarms'],
            required: false,
            what: 'the fast-path detection alarm (best effort: when the outage was detected)',
          },
        ]),
  ];
}
