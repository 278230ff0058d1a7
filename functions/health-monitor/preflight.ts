import type { z } from 'zod';
import { PreflightFailedError } from '../../plan/errors.ts';
import { classifyDrDatabase } from '../shared/classify-database.ts';
import {
  executionInputSchema,
  type PreflightDatabase,
  type PreflightOutput,
  type PreflightService,
  parseTaskInput,
  type preflightInputSchema,
} from '../shared/contracts.ts';
import { readDbInstance } from '../shared/read-db-instance.ts';
import { readDrService } from '../shared/read-dr-service.ts';
import { drServiceResource } from '../shared/resource-names.ts';
import { failoverChanges } from './failover-changes.ts';
import { pollTiming } from './poll-timing.ts';
import type { HealthMonitorPorts } from './ports.ts';
import { readTraffic } from './read-traffic.ts';
import { judgeReplicaLag } from './rpo-guard.ts';
import { claimRun } from './run-lock.ts';

export type PreflightInput = z.output<typeof preflightInputSchema>;
type Ports = Pick<
  HealthMonitorPorts,
  'plan' | 'rds' | 'cloudWatch' | 'ecs' | 'route53' | 'sfn' | 'now' | 'logger'
>;

/**
 * Read-only check that a failover can start: the request is valid, every plan resource exists
 * in a state the failover can start (or resume) from, and the RPO guard passes. Makes no
 * mutating call. A read failure (throttling, 5xx) is thrown as the family error so that the
 * state machine retries; a resource in the wrong state is a problem reported with its fix.
 */
export async function preflight(ports: Ports, input: PreflightInput): Promise<PreflightOutput> {
  const { plan } = ports;
  const request = parseTaskInput(executionInputSchema, input.request, 'execution input');
  const checkedAt = ports.now();
  await claimRun(
    ports,
    {
      executionArn: input.executionArn,
      stateMachineArn: input.stateMachineArn,
      startedAt: new Date(input.executionStartTime),
    },
    request,
  );

  const [databases, services, dns] = await Promise.all([
    checkDatabases(ports),
    checkServices(ports),
    readTraffic(ports),
  ]);
  const problems = [
    ...databases.flatMap((d) => (d.problem === null ? [] : [d.problem])),
    ...services.flatMap((s) => (s.problem === null ? [] : [s.problem])),
    ...(dns.problem === null ? [] : [dns.problem]),
  ];
  if (problems.length > 0) throw new PreflightFailedError(problems);

  const ready = databases.filter((d) => d.readiness === 'replica-ready').map((d) => d.db);
  // Promoted or promoting databases are not judged: their data loss is already settled.
  const judgements = await judgeReplicaLag(ports.cloudWatch, plan, ready, checkedAt);
  const lagById = new Map(judgements.map((j) => [j.db.id, j]));

  const databaseState = databases.map((d) => ({
    id: d.db.id,
    identifier: d.db.replica.identifier,
    readiness: d.readiness ?? 'replica-ready',
    lastActiveLagSeconds: lagById.get(d.db.id)?.lastActiveLagSeconds ?? null,
    lagObservedAt: lagById.get(d.db.id)?.lagObservedAt ?? null,
    status: d.status ?? 'unknown',
  }));
  const serviceState = services.map((s) => ({
    id: s.service.id,
    cluster: s.service.cluster,
    service: s.service.service,
    desiredCount: s.desiredCount,
    drDesiredCount: s.service.drDesiredCount,
    runningCount: s.runningCount,
  }));
  const pointsTo = dns.pointsTo ?? 'primary';
  const lags = judgements.flatMap((j) => (j.lastActiveLagSeconds === null ? [] : [j.lastActiveLagSeconds]));

  const output: PreflightOutput = {
    checkedAt: checkedAt.toISOString(),
    request,
    databases: databaseState.map(
      ({ id, identifier, readiness, lastActiveLagSeconds, lagObservedAt }): PreflightDatabase => ({
        id,
        identifier,
        readiness,
        lastActiveLagSeconds,
        lagObservedAt,
      }),
    ),
    services: serviceState.map(
      ({ id, cluster, service, desiredCount, drDesiredCount }): PreflightService => ({
        id,
        cluster,
        service,
        desiredCount,
        drDesiredCount,
      }),
    ),
    dns: { record: plan.dns.record, currentValue: dns.currentValue, pointsTo },
    rpo: {
      budgetSeconds: plan.objectives.rpoSeconds,
      worstLagSeconds: lags.length > 0 ? Math.max(...lags) : null,
    },
    changes: failoverChanges(plan, {
      databases: databaseState,
      services: serviceState,
      dns: { pointsTo, currentValue: dns.currentValue },
    }),
    timing: pollTiming(plan),
  };
  ports.logger?.info('preflight passed', { changes: output.changes.length, rpo: output.rpo });
  return output;
}

async function checkDatabases({ plan, rds }: Ports) {
  return Promise.all(
    plan.databases.map(async (db) => {
      const instance = await readDbInstance(rds, db.replica.identifier, db.replica.region);
      const classification = classifyDrDatabase(db, instance);
      return {
        db,
        readiness: classification.readiness,
        status: classification.status,
        problem: 'problem' in classification ? classification.problem : null,
      };
    }),
  );
}

async function checkServices({ plan, ecs }: Ports) {
  return Promise.all(
    plan.services.map(async (service) => {
      const found = await readDrService(ecs, plan, service);
      const resource = drServiceResource(plan, service);
      let problem: string | null = null;
      if (found === null) {
        problem = `${resource} not found: deploy the pilot-light service or fix services[id=${service.id}] (cluster, service) in the plan`;
      } else if (found.status !== 'ACTIVE') {
        problem = `${resource} is ${found.status ?? 'in an unknown status'}, not ACTIVE: recreate the service before a failover`;
      }
      return {
        service,
        desiredCount: found?.desiredCount ?? 0,
        runningCount: found?.runningCount ?? 0,
        problem,
      };
    }),
  );
}
