import type { PlanDatabase, PlanService } from '../../plan/schema.ts';
import { describeProbe, isHealthyResponse } from '../shared/http-probe.ts';
import { isReplicaOfPlanPrimary, readDbInstance } from '../shared/read-db-instance.ts';
import { readDrService } from '../shared/read-dr-service.ts';
import { currentLag, readReplicaLag } from '../shared/replica-lag.ts';
import { drServiceResource, primaryDatabaseResource, replicaResource } from '../shared/resource-names.ts';
import { describeGate, publicGate, readGate } from '../shared/traffic-gate.ts';
import { combineReadiness, type ReadinessFinding } from './dr-readiness.ts';
import {
  type MonitoredDatabase,
  type MonitoredService,
  type MonitorReport,
  NOT_FOUND_STATUS,
  type PublishedMetric,
  UNKNOWN_STATUS,
} from './monitor-report.ts';
import type { HealthMonitorPorts } from './ports.ts';
import { publishMetrics } from './publish-metrics.ts';

/** The primary must answer quickly; a slower answer is as bad as none for users. */
export const MONITOR_PROBE_TIMEOUT_MS = 3_000;
/** ReplicaLag is a 1-minute metric; five minutes tolerate CloudWatch's publishing delay. */
const LAG_WINDOW_SECONDS = 300;

type Ports = Pick<
  HealthMonitorPorts,
  'plan' | 'rds' | 'primaryRds' | 'cloudWatch' | 'ecs' | 'probe' | 'now' | 'logger'
>;

/**
 * The scheduled watch: probes the primary endpoint, reads database and service state, publishes
 * what is known as metrics (nothing for what is unknown) and returns a report. Reads that fail
 * make their value unknown; only a failed publish is thrown.
 */
export async function monitor(ports: Ports): Promise<MonitorReport> {
  const { plan } = ports;
  const checkedAt = ports.now();
  const [primary, databases, services, traffic] = await Promise.all([
    probePrimary(ports),
    Promise.all(plan.databases.map((db) => observeDatabase(ports, db, checkedAt))),
    Promise.all(plan.services.map((service) => observeService(ports, service))),
    observeTraffic(ports),
  ]);
  const readiness = combineReadiness([
    ...databases.map((d) => d.readiness),
    ...services.map((s) => s.readiness),
  ]);

  const planDimension = { Plan: plan.name };
  const published: PublishedMetric[] = [];
  if (primary.state !== 'unknown') {
    published.push({
      metric: 'PrimaryHealthy',
      dimensions: planDimension,
      value: primary.state === 'healthy' ? 1 : 0,
    });
  }
  for (const { observed } of databases) {
    if (observed.lag.state === 'active' && observed.lag.seconds !== null) {
      published.push({
        metric: 'ReplicaLagSeconds',
        dimensions: { ...planDimension, Database: observed.id },
        value: observed.lag.seconds,
      });
    }
  }
  if (readiness.state !== 'unknown') {
    published.push({
      metric: 'DrReadiness',
      dimensions: planDimension,
      value: readiness.state === 'ready' ? 1 : 0,
    });
  }
  await publishMetrics(ports.cloudWatch, published, checkedAt);

  const report: MonitorReport = {
    checkedAt: checkedAt.toISOString(),
    plan: plan.name,
    primary,
    databases: databases.map((d) => d.observed),
    services: services.map((s) => s.observed),
    readiness,
    traffic,
    published,
  };
  ports.logger?.info('health report', { ...report });
  return report;
}

async function probePrimary({ plan, probe }: Ports): Promise<MonitorReport['primary']> {
  const url = plan.application.primary.healthUrl;
  const result = await probe(url, MONITOR_PROBE_TIMEOUT_MS);
  const state = isHealthyResponse(result)
    ? 'healthy'
    : result.outcome === 'not-attempted'
      ? 'unknown'
      : 'unhealthy';
  return { url, state, detail: describeProbe(result) };
}

async function observeDatabase(
  ports: Ports,
  db: PlanDatabase,
  checkedAt: Date,
): Promise<{ observed: MonitoredDatabase; readiness: ReadinessFinding }> {
  const replica = replicaResource(db);
  const [primaryStatus, replicaRead, lag] = await Promise.all([
    readDbInstance(ports.primaryRds, db.primary.identifier, db.primary.region).then(
      (instance) => (instance === null ? NOT_FOUND_STATUS : (instance.DBInstanceStatus ?? UNKNOWN_STATUS)),
      (error: unknown) => {
        ports.logger?.warn('primary database status unknown', { database: db.id, error });
        return UNKNOWN_STATUS;
      },
    ),
    readDbInstance(ports.rds, db.replica.identifier, db.replica.region).then(
      (instance) => ({ instance, error: null }),
      (error: Error) => ({ instance: null, error }),
    ),
    readReplicaLag(ports.cloudWatch, db.replica.identifier, {
      end: checkedAt,
      seconds: LAG_WINDOW_SECONDS,
    }).then(
      (points) => currentLag(points),
      (error: Error) => ({ state: 'unreadable' as const, error }),
    ),
  ]);

  let readiness: ReadinessFinding;
  let replicaStatus: string;
  if (replicaRead.error !== null) {
    replicaStatus = UNKNOWN_STATUS;
    readiness = { ok: null, reason: `${replica}: ${replicaRead.error.message}` };
  } else if (replicaRead.instance === null) {
    replicaStatus = NOT_FOUND_STATUS;
    readiness = { ok: false, reason: `${replica} not found` };
  } else {
    replicaStatus = replicaRead.instance.DBInstanceStatus ?? UNKNOWN_STATUS;
    if (!isReplicaOfPlanPrimary(replicaRead.instance, db)) {
      readiness = { ok: false, reason: `${replica} is not a read replica of ${db.primary.identifier}` };
    } else if (replicaStatus !== 'available') {
      readiness = { ok: false, reason: `${replica} is ${replicaStatus}, not available` };
    } else {
      readiness = { ok: true };
    }
  }
  if (lag.state === 'unreadable')
    ports.logger?.warn('replica lag unknown', { database: db.id, error: lag.error });

  return {
    observed: {
      id: db.id,
      primary: { resource: primaryDatabaseResource(db), status: primaryStatus },
      replica: { resource: replica, status: replicaStatus },
      lag: {
        state: lag.state,
        seconds: lag.state === 'active' ? lag.seconds : null,
        observedAt:
          lag.state === 'active' || lag.state === 'not-active' ? lag.observedAt.toISOString() : null,
      },
    },
    readiness,
  };
}

async function observeService(
  ports: Ports,
  service: PlanService,
): Promise<{ observed: MonitoredService; readiness: ReadinessFinding }> {
  const resource = drServiceResource(ports.plan, service);
  try {
    const found = await readDrService(ports.ecs, ports.plan, service);
    if (found === null) {
      return {
        observed: {
          id: service.id,
          resource,
          status: NOT_FOUND_STATUS,
          desiredCount: null,
          runningCount: null,
        },
        readiness: { ok: false, reason: `${resource} not found` },
      };
    }
    const status = found.status ?? UNKNOWN_STATUS;
    return {
      observed: {
        id: service.id,
        resource,
        status,
        desiredCount: found.desiredCount ?? null,
        runningCount: found.runningCount ?? null,
      },
      readiness:
        status === 'ACTIVE' ? { ok: true } : { ok: false, reason: `${resource} is ${status}, not ACTIVE` },
    };
  } catch (error) {
    return {
      observed: { id: service.id, resource, status: UNKNOWN_STATUS, desiredCount: null, runningCount: null },
      readiness: { ok: null, reason: `${resource}: ${(error as Error).message}` },
    };
  }
}

/**
 * Reads the gate only: the monitor never writes it. A closed gate stays closed because its alarm
 * keeps its state through missing data; a write here could race a failback's opening write.
 */
async function observeTraffic(ports: Ports): Promise<MonitorReport['traffic']> {
  const { plan } = ports;
  if (plan.dns.strategy !== 'gate') return null;
  try {
    const gate = await readGate(ports.cloudWatch, publicGate(plan));
    return { to: gate.state === 'closed' ? 'dr' : 'primary', detail: describeGate(publicGate(plan), gate) };
  } catch (error) {
    ports.logger?.warn('traffic gate unreadable', { error });
    return { to: 'unknown', detail: (error as Error).message };
  }
}
