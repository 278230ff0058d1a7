import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  PutMetricDataCommand,
  type StateValue,
} from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient, type Service } from '@aws-sdk/client-ecs';
import {
  type DBInstance,
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { HealthMonitorPorts } from '../../../../functions/health-monitor/ports.ts';
import type { DnsLookup } from '../../../../functions/shared/dns-lookup.ts';
import type { HttpProbe, ProbeResult } from '../../../../functions/shared/http-probe.ts';
import { loadPlanFile } from '../../../../plan/load.ts';
import type { Plan, PlanDatabase, PlanService } from '../../../../plan/schema.ts';
import { throttlingError } from '../aws-errors.ts';

export const referencePlanPath = new URL('../../../../drctl.plan.yaml', import.meta.url).pathname;
export const referencePlan = (): Plan => loadPlanFile(referencePlanPath);
/** The reference plan with the Route 53 API strategy `simple` instead of the gate. */
export const simplePlan = (): Plan => {
  const plan = referencePlan();
  return { ...plan, dns: { ...plan.dns, strategy: 'simple' } };
};

export const NOW = new Date('2026-03-01T12:00:00.000Z');
export const EXECUTION_START = '2026-03-01T11:59:00.000Z';
export const STATE_MACHINE_ARN = 'arn:aws:states:us-west-2:111111111111:stateMachine:shop-failover';
export const EXECUTION_ARN = 'arn:aws:states:us-west-2:111111111111:execution:shop-failover:exec-1';

export const validRequest = {
  mode: 'failover',
  reason: 'us-east-1 outage',
  incidentId: 'INC-42',
  requestedBy: 'alice@example.com',
};

export { serverError } from '../aws-errors.ts';
export const throttling = () => throttlingError('ThrottlingException');

export const dbNotFound = (identifier: string) =>
  new DBInstanceNotFoundFault({ message: `DBInstance ${identifier} not found.`, $metadata: {} });

const ACCOUNT = '111111111111';

export function replicaOf(db: PlanDatabase, status = 'available'): DBInstance {
  return {
    DBInstanceIdentifier: db.replica.identifier,
    DBInstanceStatus: status,
    ReadReplicaSourceDBInstanceIdentifier: `arn:aws:rds:${db.primary.region}:${ACCOUNT}:db:${db.primary.identifier}`,
  };
}

export function standalone(identifier: string, status = 'available'): DBInstance {
  return { DBInstanceIdentifier: identifier, DBInstanceStatus: status };
}

export function drService(
  service: PlanService,
  desiredCount = 0,
  runningCount = 0,
  status = 'ACTIVE',
): Service {
  return {
    serviceName: service.service,
    clusterArn: `arn:aws:ecs:us-west-2:${ACCOUNT}:cluster/${service.cluster}`,
    status,
    desiredCount,
    runningCount,
    pendingCount: 0,
  };
}

export function cname(plan: Plan, value: string): ResourceRecordSet {
  return { Name: `${plan.dns.record}.`, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: value }] };
}

/** Per-minute ReplicaLag maxima, given as [seconds before NOW, value]. */
export function lagDatapoints(points: readonly [number, number][]) {
  return points.map(([secondsAgo, value]) => ({
    Timestamp: new Date(NOW.getTime() - secondsAgo * 1000),
    Maximum: value,
    Unit: 'Seconds' as const,
  }));
}

/** Mocked clients of a healthy pilot-light world: replicas available, services at 0, DNS on primary. */
export function createWorld(plan: Plan = referencePlan()) {
  const rds = new RDSClient({ region: plan.regions.dr });
  const primaryRds = new RDSClient({ region: plan.regions.primary });
  const cloudWatch = new CloudWatchClient({ region: plan.regions.dr });
  const ecs = new ECSClient({ region: plan.regions.dr });
  const route53 = new Route53Client({ region: 'us-east-1' });
  const sfn = new SFNClient({ region: plan.regions.dr });
  const mocks = {
    sfn: mockClient(sfn),
    rds: mockClient(rds),
    primaryRds: mockClient(primaryRds),
    cloudWatch: mockClient(cloudWatch),
    ecs: mockClient(ecs),
    route53: mockClient(route53),
  };
  const probeResults = new Map<string, ProbeResult>();
  /** What DNS answers per name (default: the DR target for the public record, as after a switch). */
  const dnsAnswers = new Map<string, { targets: string[] } | { error: string }>();
  const lookup: DnsLookup = async (name) => dnsAnswers.get(name) ?? { targets: [plan.application.dr.target] };
  const probeCalls: { url: string; timeoutMs: number }[] = [];
  const probe: HttpProbe = async (url, timeoutMs) => {
    probeCalls.push({ url, timeoutMs });
    return probeResults.get(url) ?? { outcome: 'response', status: 200 };
  };

  const world = {
    plan,
    mocks,
    probeResults,
    probeCalls,
    dnsAnswers,
    ports: {
      plan,
      rds,
      primaryRds,
      cloudWatch,
      ecs,
      route53,
      sfn,
      probe,
      lookup,
      now: () => NOW,
    } satisfies HealthMonitorPorts,
    database(db: PlanDatabase, instance: DBInstance | Error) {
      const call = mocks.rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: db.replica.identifier });
      if (instance instanceof Error) call.rejects(instance);
      else call.resolves({ DBInstances: [instance] });
      return world;
    },
    primaryDatabase(db: PlanDatabase, instance: DBInstance | Error) {
      const call = mocks.primaryRds.on(DescribeDBInstancesCommand, {
        DBInstanceIdentifier: db.primary.identifier,
      });
      if (instance instanceof Error) call.rejects(instance);
      else call.resolves({ DBInstances: [instance] });
      return world;
    },
    service(service: PlanService, found: Service | null | Error) {
      const call = mocks.ecs.on(DescribeServicesCommand, {
        cluster: service.cluster,
        services: [service.service],
      });
      if (found instanceof Error) call.rejects(found);
      else if (found === null) {
        call.resolves({
          services: [],
          failures: [
            { arn: `arn:aws:ecs:us-west-2:${ACCOUNT}:service/${service.service}`, reason: 'MISSING' },
          ],
        });
      } else call.resolves({ services: [found], failures: [] });
      return world;
    },
    records(sets: ResourceRecordSet[] | Error) {
      const call = mocks.route53.on(ListResourceRecordSetsCommand);
      if (sets instanceof Error) call.rejects(sets);
      else call.resolves({ ResourceRecordSets: sets, IsTruncated: false, MaxItems: 10 });
      return world;
    },
    /** The traffic gate alarm's state (gate strategy); null: the alarm does not exist. */
    gate(state: StateValue | null | Error) {
      const call = mocks.cloudWatch.on(DescribeAlarmsCommand, {
        AlarmNames: [`${plan.name}-traffic-gate-closed`],
      });
      if (state instanceof Error) call.rejects(state);
      else
        call.resolves({
          MetricAlarms:
            state === null ? [] : [{ AlarmName: `${plan.name}-traffic-gate-closed`, StateValue: state }],
        });
      return world;
    },
    lag(db: PlanDatabase, points: readonly [number, number][] | Error) {
      const call = mocks.cloudWatch.on(GetMetricStatisticsCommand, {
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: db.replica.identifier }],
      });
      if (points instanceof Error) call.rejects(points);
      else call.resolves({ Label: 'ReplicaLag', Datapoints: lagDatapoints(points) });
      return world;
    },
    /** Every AWS command sent, by command name, across all clients. */
    commandNames(): string[] {
      return Object.values(mocks).flatMap((mock) =>
        mock.calls().map((call) => call.args[0].constructor.name),
      );
    },
  };

  for (const db of plan.databases) {
    world.database(db, replicaOf(db));
    world.primaryDatabase(db, standalone(db.primary.identifier));
    world.lag(db, [
      [180, 2],
      [120, 3],
      [60, 1],
    ]);
  }
  for (const service of plan.services) world.service(service, drService(service));
  world.records([cname(plan, plan.application.primary.target)]);
  world.gate('OK');
  // Only this execution runs: the run lock finds nobody older.
  mocks.sfn.on(ListExecutionsCommand).resolves({
    executions: [
      {
        executionArn: EXECUTION_ARN,
        stateMachineArn: STATE_MACHINE_ARN,
        name: 'exec-1',
        status: 'RUNNING',
        startDate: new Date(EXECUTION_START),
      },
    ],
  });
  mocks.cloudWatch.on(PutMetricDataCommand).resolves({});
  return world;
}

export type World = ReturnType<typeof createWorld>;
