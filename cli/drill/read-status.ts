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
import { readDnsRecord } from '../../functions/health-monitor/read-dns-record.ts';
import { readDbInstance, replicaSource } from '../../functions/shared/read-db-instance.ts';
import { readDrService } from '../../functions/shared/read-dr-service.ts';
import { toDrError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * The plan's resources and their state, read through the AWS SDK: from AWS itself, or from a
 * local world's endpoint. The readers are the health monitor's where it has one. Each item is
 * read on its own: a region that does not answer makes its items "unreachable", not the report.
 */
export interface StatusTarget {
  /** A local world's endpoint; absent for AWS. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export type Reading<T> = { ok: true; value: T } | { ok: false; error: string };

export interface PlanStatus {
  plan: string;
  regions: { primary: string; dr: string };
  databases: {
    id: string;
    primary: Reading<{ identifier: string; region: string; status: string; role: string }>;
    replica: Reading<{ identifier: string; region: string; status: string; role: string }>;
  }[];
  services: {
    id: string;
    primary: Reading<ServiceCounts | null>;
    dr: Reading<ServiceCounts | null>;
  }[];
  dns: Reading<{ record: string; value: string | null; pointsTo: string | null; problem: string | null }>;
  healthChecks: Reading<{ id: string; target: string; status: string }[]>;
  alarms: Reading<{ name: string; region: string; state: string; reason: string }[]>;
  executions: Reading<{ name: string; status: string; startDate: string; stopDate: string | null }[]>;
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
    const [databases, services, dns, healthChecks, alarms, executions] = await Promise.all([
      Promise.all(
        plan.databases.map(async (db) => ({
          id: db.id,
          primary: await reading(() => instance(rdsPrimary, db.primary.identifier, db.primary.region)),
          replica: await reading(() => instance(rdsDr, db.replica.identifier, db.replica.region)),
        })),
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
        const found = await readDnsRecord(route53, plan);
        return {
          record: plan.dns.record,
          value: found.currentValue,
          pointsTo: found.pointsTo,
          problem: found.problem,
        };
      }),
      reading(() => readHealthChecks(route53, plan)),
      reading(() => readAlarms(plan, common)),
      reading(async () => {
        if (stateMachineArn === undefined) {
          throw new Error(
            'no state machine ARN: give --state-machine-arn or set deployment.account in the plan',
          );
        }
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
    ]);
    return {
      plan: plan.name,
      regions: plan.regions,
      databases,
      services,
      dns,
      healthChecks,
      alarms,
      executions,
    };
  } finally {
    for (const client of clients) client.destroy();
  }
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
  const ours = all.filter((check) => hosts.includes(check.HealthCheckConfig?.FullyQualifiedDomainName ?? ''));
  const shown = (ours.length > 0 ? ours : all).slice(0, 10);
  return Promise.all(
    shown.map(async (check) => {
      const config = check.HealthCheckConfig;
      const target = `${config?.Type ?? '?'} ${config?.FullyQualifiedDomainName ?? config?.IPAddress ?? '?'}:${config?.Port ?? '?'}${config?.ResourcePath ?? ''}`;
      try {
        const status = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: check.Id }));
        const reports = (status.HealthCheckObservations ?? []).map((o) => o.StatusReport?.Status ?? '');
        const healthy = reports.filter((r) => r.startsWith('Success')).length;
        const verdict =
          reports.length === 0
            ? 'no observations yet'
            : healthy * 2 > reports.length
              ? 'healthy'
              : 'unhealthy';
        return {
          id: check.Id ?? '?',
          target,
          status: `${verdict} (${healthy}/${reports.length} checkers OK)`,
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
    ...status.databases.flatMap((db) => [db.primary, db.replica]),
    ...status.services.flatMap((service) => [service.primary, service.dr]),
    status.dns,
    status.healthChecks,
    status.alarms,
    status.executions,
  ];
  const failed = readings.filter((reading): reading is { ok: false; error: string } => !reading.ok);
  return {
    answered: readings.length - failed.length,
    total: readings.length,
    firstError: failed[0]?.error ?? null,
  };
}
