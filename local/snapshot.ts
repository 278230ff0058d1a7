import type { Application } from './application.ts';
import type { CloudWatchModel } from './cloudwatch/model.ts';
import type { WorldContext } from './context.ts';
import type { EcsModel } from './ecs/model.ts';
import type { Faults } from './faults.ts';
import type { RequestContext } from './protocol/server.ts';
import type { RdsModel } from './rds/model.ts';
import type { HealthChecks } from './route53/health-checks.ts';
import { fqdn, type Route53Model } from './route53/model.ts';
import type { SnsModel } from './sns/model.ts';
import type { StepFunctionsModel } from './stepfunctions/executions.ts';

/** The plan's resources and their state, for `drctl status` and tests. JSON-serialisable. */
export interface WorldSnapshot {
  time: string;
  elapsedSeconds: number;
  regions: {
    role: 'primary' | 'dr';
    region: string;
    up: boolean;
    appServes: boolean;
    appProblem: string | null;
  }[];
  databases: {
    id: string;
    primary: { identifier: string; region: string; status: string | null; role: string | null };
    replica: {
      identifier: string;
      region: string;
      status: string | null;
      role: string | null;
      source: string | null;
      lagSeconds: number | null;
    };
    writes: { written: number; applied: number } | null;
  }[];
  services: {
    id: string;
    primary: ServiceState | null;
    dr: ServiceState | null;
  }[];
  dns: {
    record: string;
    values: {
      setIdentifier: string | null;
      weight: number | null;
      failover: string | null;
      healthCheckId: string | null;
      ttl: number | null;
      values: string[];
    }[];
    resolvesTo: string | null;
    pendingChanges: string[];
  };
  healthChecks: { id: string; role: string; healthy: boolean; lastReport: string }[];
  alarms: { name: string; region: string; state: string; reason: string }[];
  executions: {
    arn: string;
    name: string;
    status: string;
    startDate: string;
    stopDate: string | null;
    error: string | null;
  }[];
  notifications: number;
  faults: { downRegions: string[]; downApplications: string[]; route53ControlPlaneUp: boolean };
  apiCalls: { total: number; failed: number };
}

export interface ServiceState {
  cluster: string;
  service: string;
  desired: number;
  running: number;
  pending: number;
  healthyTargets: number;
  rolloutState: string;
}

export function snapshotWorld(parts: {
  context: WorldContext;
  rds: RdsModel;
  ecs: EcsModel;
  route53: Route53Model;
  cloudWatch: CloudWatchModel;
  healthChecks: HealthChecks;
  application: Application;
  stepFunctions: StepFunctionsModel;
  sns: SnsModel;
  faults: Faults;
  requests: { context: RequestContext; outcome: string }[];
}): WorldSnapshot {
  const { context, rds, ecs, route53, application } = parts;
  const { plan, clock } = context;
  const now = clock.now();
  const serviceState = (region: string, clusterName: string, name: string): ServiceState | null => {
    const cluster = ecs.findCluster(region, clusterName);
    const service = cluster ? ecs.findService(cluster, name) : undefined;
    if (!service) return null;
    const counts = ecs.counts(service);
    return {
      cluster: clusterName,
      service: name,
      desired: service.desiredCount,
      running: counts.running,
      pending: counts.pending,
      healthyTargets: ecs.healthyTargets(service),
      rolloutState: service.deployment.rolloutState,
    };
  };
  const zone = route53.zones.get(plan.dns.hostedZoneId);
  const record = fqdn(plan.dns.record);
  return {
    time: new Date(now).toISOString(),
    elapsedSeconds: clock.elapsedSeconds(),
    regions: (['primary', 'dr'] as const).map((role) => {
      const problem = application.problem(role);
      return {
        role,
        region: plan.regions[role],
        up: context.isRegionUp(plan.regions[role]),
        appServes: problem === undefined,
        appProblem: problem ?? null,
      };
    }),
    databases: plan.databases.map((database) => {
      const primary = rds.find(database.primary.region, database.primary.identifier);
      const replica = rds.find(database.replica.region, database.replica.identifier);
      return {
        id: database.id,
        primary: { ...database.primary, status: primary?.status ?? null, role: primary?.role ?? null },
        replica: {
          ...database.replica,
          status: replica?.status ?? null,
          role: replica?.role ?? null,
          source: replica?.sourceArn ?? null,
          lagSeconds: rds.replicaLagSeconds(database.id, now) ?? null,
        },
        writes: rds.writeStream(database.id, now) ?? null,
      };
    }),
    services: plan.services.map((service) => ({
      id: service.id,
      primary: serviceState(plan.regions.primary, service.primary.cluster, service.primary.service),
      dr: serviceState(plan.regions.dr, service.cluster, service.service),
    })),
    dns: {
      record: plan.dns.record,
      values: (zone?.records ?? [])
        .filter((r) => r.name === record)
        .map((r) => ({
          setIdentifier: r.setIdentifier ?? null,
          weight: r.weight ?? null,
          failover: r.failover ?? null,
          healthCheckId: r.healthCheckId ?? null,
          ttl: r.ttl ?? null,
          values: r.values,
        })),
      resolvesTo: route53.resolve(now) ?? null,
      pendingChanges: [...route53.changes.values()].filter((c) => c.status === 'PENDING').map((c) => c.id),
    },
    healthChecks: parts.healthChecks.all().map((c) => ({
      id: c.id,
      role: c.role,
      healthy: c.healthy,
      lastReport: c.lastReport,
    })),
    alarms: [...parts.cloudWatch.alarms.values()].map((a) => ({
      name: a.name,
      region: a.region,
      state: a.state,
      reason: a.stateReason,
    })),
    executions: [...parts.stepFunctions.executions.values()].map((e) => ({
      arn: e.arn,
      name: e.name,
      status: e.status,
      startDate: e.startDate.toISOString(),
      stopDate: e.stopDate?.toISOString() ?? null,
      error: e.error ?? null,
    })),
    notifications: [...parts.sns.topics.values()].reduce((sum, t) => sum + t.messages.length, 0),
    faults: {
      downRegions: [...parts.faults.downRegions],
      downApplications: [...parts.faults.downApplications],
      route53ControlPlaneUp: parts.faults.route53ControlPlaneUp,
    },
    apiCalls: {
      total: parts.requests.length,
      failed: parts.requests.filter((r) => r.outcome !== 'ok').length,
    },
  };
}
