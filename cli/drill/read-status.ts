import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient, type Service } from '@aws-sdk/client-ecs';
import { RDSClient } from '@aws-sdk/client-rds';
import {
  GetHealthCheckStatusCommand,
  ListHealthChecksCommand,
  type ListHealthChecksCommandOutput,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { readTraffic } from '../../functions/health-monitor/read-traffic.ts';
import { readDbInstance, replicaSource } from '../../functions/shared/read-db-instance.ts';
import { readDrService } from '../../functions/shared/read-dr-service.ts';
import { toDrError } from '../../plan/errors.ts';
import { gateAlarmName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { type DatabaseFenceStatus, readDatabaseFence } from './read-fencing-status.ts';
import {
  type DetectionAlarmStatus,
  type DnsAnswerStatus,
  type GateStatus,
  type RecordSetStatus,
  readDetectionAlarms,
  readDnsAnswer,
  readGateStatus,
  readRecordSets,
} from './read-traffic-status.ts';
import { readWaitingRuns, type WaitingRunStatus } from './read-waiting-runs.ts';

/**
 * The plan's resources and their state, read through the AWS SDK: from AWS itself, or from a
 * local world's endpoint. The readers are the health monitor's where it has one. Each item is
 * read on its own: a region that does not answer makes its items "unreachable", not the report.
 */
export interface StatusTarget {
  /** A local world's endpoint; absent for AWS. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The DNS server that answers for the hosted zone (host:port, a local world's); undefined: the system resolver. */
  dnsResolver?: string;
  /** The plan file as given, for the decision commands status prints (none: the default plan). */
  planFile?: string;
}

export type Reading<T> = { ok: true; value: T } | { ok: false; error: string };

export type InstanceReading = Reading<{ identifier: string; region: string; status: string; role: string }>;

export interface PlanStatus {
  plan: string;
  regions: { primary: string; dr: string };
  databases: {
    id: string;
    /** role: "standalone (writable)", "standalone (fenced: read-only)" (the fence's state), or "replica of X". */
    primary: InstanceReading;
    replica: InstanceReading;
    /** Whether the old primary still takes writes (read in the primary region: unknown when it does not answer). */
    fence: Reading<DatabaseFenceStatus>;
  }[];
  services: {
    id: string;
    primary: Reading<ServiceCounts | null>;
    dr: Reading<ServiceCounts | null>;
  }[];
  /** Where traffic goes by the strategy's own reader: the gate (gate strategy) or the record (simple, weighted). */
  dns: Reading<{ record: string; value: string | null; pointsTo: string | null; problem: string | null }>;
  traffic: {
    strategy: Plan['dns']['strategy'];
    /** The gate, in the DR region (gate strategy only). */
    gate: Reading<GateStatus> | null;
    /** What DNS answers for the record (Route 53's data plane). */
    answer: Reading<DnsAnswerStatus>;
    /** The record sets, through the Route 53 API (control plane in us-east-1). */
    records: Reading<RecordSetStatus[]>;
  };
  detection: Reading<DetectionAlarmStatus[]>;
  healthChecks: Reading<{ id: string; target: string; status: string }[]>;
  alarms: Reading<{ name: string; region: string; state: string; reason: string }[]>;
  executions: Reading<{ name: string; status: string; startDate: string; stopDate: string | null }[]>;
  /** Runs waiting for a person's decision before the point of no return. */
  waiting: Reading<WaitingRunStatus[]>;
}

export interface ServiceCounts {
  cluster: string;
  service: string;
  desired: number;
  running: number;
  pending: number;
}

async function reading<T>(read: () => Promise<T>): Promise<Reading<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error: (error as Error).message.split('\n')[0] ?? String(error) };
  }
}

export async function readPlanStatus(
  plan: Plan,
  target: StatusTarget,
  stateMachineArn: string | undefined,
): Promise<PlanStatus> {
  const common = {
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    ...(target.credentials === undefined ? {} : { credentials: target.credentials }),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  };
  const rds = (region: string) => new RDSClient({ ...common, region });
  const ecs = (region: string) => new ECSClient({ ...common, region });
  const route53 = new Route53Client({ ...common, region: 'us-east-1' });
  const clients: { destroy(): void }[] = [route53];
  const track = <C extends { destroy(): void }>(client: C) => {
    clients.push(client);
    return client;
  };
  const { primary, dr } = plan.regions;
  const rdsPrimary = track(rds(primary));
  const rdsDr = track(rds(dr));
  const ecsPrimary = track(ecs(primary));
  const ecsDr = track(ecs(dr));
  const sfn = track(new SFNClient({ ...common, region: dr }));
  const cloudWatchClients = new Map<string, CloudWatchClient>();
  const cloudWatchIn = (region: string) => {
    let client = cloudWatchClients.get(region);
    if (!client) {
      client = track(new CloudWatchClient({ ...common, region }));
      cloudWatchClients.set(region, client);
    }
    return client;
  };
  const noStateMachine = () =>
    new Error('no state machine ARN: give --state-machine-arn or set deployment.account in the plan');

  const instance = async (client: RDSClient, identifier: string, region: string) => {
    const found = await readDbInstance(client, identifier, region);
    if (!found) return { identifier, region, status: 'not found', role: '-' };
    const source = replicaSource(found);
    return {
      identifier,
      region,
      status: found.DBInstanceStatus ?? 'unknown',
      role: source ? `replica of ${source}` : 'standalone (writable)',
    };
  };
  const counts = (cluster: string, service: string, read: () => Promise<Service | null>) =>
    reading(async (): Promise<ServiceCounts | null> => {
      const found = await read();
      return found
        ? {
            cluster,
            service,
            desired: found.desiredCount ?? 0,
            running: found.runningCount ?? 0,
            pending: found.pendingCount ?? 0,
          }
        : null;
    });

  try {
    const [databases, services, dns, traffic, detection, healthChecks, alarms, executions, waiting] =
      await Promise.all([
        Promise.all(
          plan.databases.map(async (db) => {
            const primary = await reading(() =>
              instance(rdsPrimary, db.primary.identifier, db.primary.region),
            );
            const replica = await reading(() => instance(rdsDr, db.replica.identifier, db.replica.region));
            const fence = await reading(() => readDatabaseFence(rdsPrimary, db));
            return { id: db.id, primary: withFence(primary, fence), replica, fence };
          }),
        ),
        Promise.all(
          plan.services.map(async (service) => ({
            id: service.id,
            primary: await counts(service.primary.cluster, service.primary.service, async () => {
              try {
                const output = await ecsPrimary.send(
                  new DescribeServicesCommand({
                    cluster: service.primary.cluster,
                    services: [service.primary.service],
                  }),
                );
                return output.services?.find((s) => s.serviceName === service.primary.service) ?? null;
              } catch (error) {
                throw toDrError(
                  error,
                  `DescribeServices ecs:${primary}:${service.primary.cluster}/${service.primary.service}`,
                );
              }
            }),
            dr: await counts(service.cluster, service.service, () => readDrService(ecsDr, plan, service)),
          })),
        ),
        reading(async () => {
          const found = await readTraffic({ plan, cloudWatch: cloudWatchIn(dr), route53 });
          return {
            record: plan.dns.record,
            value: found.currentValue,
            pointsTo: found.pointsTo,
            problem: found.problem,
          };
        }),
        (async () => ({
          strategy: plan.dns.strategy,
          gate:
            plan.dns.strategy === 'gate' ? await reading(() => readGateStatus(cloudWatchIn(dr), plan)) : null,
          answer: await reading(() => {
            // A local world's zone is served by its own DNS server, which the system resolver does not know.
            if (target.endpoint !== undefined && target.dnsResolver === undefined)
              throw new Error(
                'unknown: no DNS server given for the local world (set DRCTL_DNS_RESOLVER as drctl up prints it, or give --dns-resolver)',
              );
            return readDnsAnswer(plan, target.dnsResolver);
          }),
          records: await reading(() => readRecordSets(route53, plan)),
        }))(),
        reading(() => readDetectionAlarms(plan, cloudWatchIn)),
        reading(() => readHealthChecks(route53, plan)),
        reading(() => readAlarms(plan, common)),
        reading(async () => {
          if (stateMachineArn === undefined) throw noStateMachine();
          try {
            const output = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 5 }));
            return (output.executions ?? []).map((e) => ({
              name: e.name ?? '?',
              status: e.status ?? '?',
              startDate: e.startDate?.toISOString() ?? '?',
              stopDate: e.stopDate?.toISOString() ?? null,
            }));
          } catch (error) {
            throw toDrError(error, `ListExecutions ${stateMachineArn}`);
          }
        }),
        reading(() => {
          if (stateMachineArn === undefined) throw noStateMachine();
          return readWaitingRuns(sfn, stateMachineArn, {
            ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
            ...(target.planFile === undefined ? {} : { planFile: target.planFile }),
          });
        }),
      ]);
    return {
      plan: plan.name,
      regions: plan.regions,
      databases,
      services,
      dns,
      traffic,
      detection,
      healthChecks,
      alarms,
      executions,
      waiting,
    };
  } finally {
    for (const client of clients) client.destroy();
  }
}

/**
 * The primary's role as its fencing leaves it: a standalone instance is not writable once the
 * fence set the engine's read-only parameter. Without this, a failed-over plan shows two
 * "writable" databases (the promoted replica and the fenced old primary), which reads as split-brain.
 */
export function withFence(primary: InstanceReading, fence: Reading<DatabaseFenceStatus>): InstanceReading {
  if (!primary.ok || !primary.value.role.startsWith('standalone')) return primary;
  const role = !fence.ok
    ? 'standalone (read-only state unknown)'
    : fence.value.state === 'fenced'
      ? 'standalone (fenced: read-only)'
      : primary.value.role;
  return { ok: true, value: { ...primary.value, role } };
}

/** The health checks on the plan's application endpoints (all of them when none matches by host). */
async function readHealthChecks(route53: Route53Client, plan: Plan) {
  let listed: ListHealthChecksCommandOutput;
  try {
    listed = await route53.send(new ListHealthChecksCommand({}));
  } catch (error) {
    throw toDrError(error, 'ListHealthChecks');
  }
  const hosts = [plan.application.primary.healthUrl, plan.application.dr.healthUrl].map(
    (url) => new URL(url).hostname,
  );
  const all = listed.HealthChecks ?? [];
  const gateAlarm = gateAlarmName(plan);
  const endpoints = all.filter((check) =>
    hosts.includes(check.HealthCheckConfig?.FullyQualifiedDomainName ?? ''),
  );
  const gates = all.filter((check) => check.HealthCheckConfig?.AlarmIdentifier?.Name === gateAlarm);
  // No check on the plan's hosts (a local world probes loopback addresses): show them all.
  const shown = (endpoints.length > 0 ? [...endpoints, ...gates] : all).slice(0, 10);
  return Promise.all(
    shown.map(async (check) => {
      const config = check.HealthCheckConfig;
      const alarm = config?.AlarmIdentifier;
      const target = alarm
        ? `${config?.Type ?? '?'} alarm ${alarm.Name ?? '?'} (${alarm.Region ?? '?'})`
        : `${config?.Type ?? '?'} ${config?.FullyQualifiedDomainName ?? config?.IPAddress ?? '?'}:${config?.Port ?? '?'}${config?.ResourcePath ?? ''}`;
      try {
        const status = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: check.Id }));
        const reports = (status.HealthCheckObservations ?? []).map((o) => o.StatusReport?.Status ?? '');
        const healthy = reports.filter((r) => r.startsWith('Success')).length;
        // A check on an alarm without data reports neither success nor failure: say what it reports.
        const neither = reports.find((r) => !r.startsWith('Success') && !r.startsWith('Failure'));
        const verdict =
          reports.length === 0
            ? 'no observations yet'
            : neither !== undefined
              ? neither
              : healthy * 2 > reports.length
                ? 'healthy'
                : 'unhealthy';
        return {
          id: check.Id ?? '?',
          target,
          status: neither !== undefined ? verdict : `${verdict} (${healthy}/${reports.length} checkers OK)`,
        };
      } catch (error) {
        return { id: check.Id ?? '?', target, status: `unknown (${(error as Error).message})` };
      }
    }),
  );
}

/** The plan's alarms: Route 53 health-check alarms live in us-east-1, the others in the DR region. */
async function readAlarms(plan: Plan, common: Record<string, unknown>) {
  const regions = [...new Set(['us-east-1', plan.regions.dr])];
  const found = await Promise.all(
    regions.map(async (region) => {
      const client = new CloudWatchClient({ ...common, region });
      try {
        const output = await client.send(
          new DescribeAlarmsCommand({ AlarmNamePrefix: plan.name, MaxRecords: 50 }),
        );
        return (output.MetricAlarms ?? []).map((alarm) => ({
          name: alarm.AlarmName ?? '?',
          region,
          state: alarm.StateValue ?? '?',
          reason: alarm.StateReason ?? '',
        }));
      } catch (error) {
        throw toDrError(error, `DescribeAlarms cloudwatch:${region} ${plan.name}*`);
      } finally {
        client.destroy();
      }
    }),
  );
  return found.flat();
}

/** How many of the status's readings answered, of how many, and the first refusal's reason. */
export function statusAnswers(status: PlanStatus): {
  answered: number;
  total: number;
  firstError: string | null;
} {
  const readings: Reading<unknown>[] = [
    ...status.databases.flatMap((db) => [db.primary, db.replica, db.fence]),
    ...status.services.flatMap((service) => [service.primary, service.dr]),
    status.dns,
    ...(status.traffic.gate ? [status.traffic.gate] : []),
    status.traffic.answer,
    status.traffic.records,
    status.detection,
    status.healthChecks,
    status.alarms,
    status.executions,
    status.waiting,
  ];
  const failed = readings.filter((reading): reading is { ok: false; error: string } => !reading.ok);
  return {
    answered: readings.length - failed.length,
    total: readings.length,
    firstError: failed[0]?.error ?? null,
  };
}
