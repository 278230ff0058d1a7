import type { PlanDatabase, PlanService } from '../../plan/schema.ts';
import type { AssessOutput, Change } from '../shared/contracts.ts';
import { readDbInstance, replicaSource } from '../shared/read-db-instance.ts';
import { readDrService } from '../shared/read-dr-service.ts';
import { dnsRecordResource, drServiceResource, replicaResource } from '../shared/resource-names.ts';
import type { HealthMonitorPorts } from './ports.ts';
import { readTraffic } from './read-traffic.ts';

type Ports = Pick<HealthMonitorPorts, 'plan' | 'rds' | 'ecs' | 'cloudWatch' | 'route53' | 'now' | 'logger'>;

/** One resource's finding: a change against the pilot-light baseline, nothing, or "could not read". */
type Finding = { change: Change } | { unknown: string } | null;

const SETTLED_STATUSES = new Set(['available', 'storage-optimization']);

/**
 * On the failure path: what is already changed compared with the pilot-light baseline (replicas
 * replicating, services at zero, the record on the primary). It never throws because one read
 * failed: a resource it cannot read is listed as unknown, so the failure notice still goes out.
 */
export async function assess(ports: Ports): Promise<AssessOutput> {
  const { plan } = ports;
  const findings = await Promise.all([
    ...plan.databases.map((db) => guarded(replicaResource(db), () => assessDatabase(ports, db))),
    ...plan.services.map((service) =>
      guarded(drServiceResource(plan, service), () => assessService(ports, service)),
    ),
    guarded(dnsRecordResource(plan), () => assessDns(ports)),
  ]);
  const output: AssessOutput = {
    assessedAt: ports.now().toISOString(),
    changes: findings.flatMap((f) => (f !== null && 'change' in f ? [f.change] : [])),
    unknown: findings.flatMap((f) => (f !== null && 'unknown' in f ? [f.unknown] : [])),
  };
  ports.logger?.info('assessed changes', { ...output });
  return output;

  async function guarded(resource: string, read: () => Promise<Finding>): Promise<Finding> {
    try {
      return await read();
    } catch (error) {
      ports.logger?.warn('could not read resource state', { resource, error });
      return { unknown: `${resource} (${(error as Error).message ?? String(error)})` };
    }
  }
}

async function assessDatabase({ rds }: Ports, db: PlanDatabase): Promise<Finding> {
  const resource = replicaResource(db);
  const instance = await readDbInstance(rds, db.replica.identifier, db.replica.region);
  if (instance === null) return { unknown: `${resource} (not found)` };
  const status = instance.DBInstanceStatus ?? 'unknown';
  if (replicaSource(instance) !== null) {
    // RDS keeps naming the source for the first minutes of a promotion (status "modifying");
    // a replica that is not available may be on its way to standalone: say so, never hide it.
    if (status === 'available') return null;
    return {
      change: {
        resource,
        action: 'possibly promotion in progress',
        before: `read replica of ${db.primary.identifier} (${db.primary.region})`,
        after: `still a read replica, ${status}: check its RDS events before re-running`,
      },
    };
  }
  return {
    change: {
      resource,
      action: SETTLED_STATUSES.has(status) ? 'promoted' : 'promotion in progress',
      before: `read replica of ${db.primary.identifier} (${db.primary.region})`,
      after: `standalone instance, ${status}`,
    },
  };
}

async function assessService(ports: Ports, service: PlanService): Promise<Finding> {
  const resource = drServiceResource(ports.plan, service);
  const found = await readDrService(ports.ecs, ports.plan, service);
  if (found === null) return { unknown: `${resource} (not found)` };
  const desired = found.desiredCount ?? 0;
  if (desired === 0) return null;
  return {
    change: {
      resource,
      action: 'scaled up',
      before: 'desiredCount 0 (pilot light)',
      after: `desiredCount ${desired}, running ${found.runningCount ?? 0}`,
    },
  };
}

async function assessDns(ports: Ports): Promise<Finding> {
  const { plan } = ports;
  const resource = dnsRecordResource(plan);
  const reading = await readTraffic(ports);
  if (reading.pointsTo === 'primary') return null;
  if (reading.pointsTo === null) return { unknown: `${resource} (${reading.problem})` };
  return {
    change: {
      resource,
      action:
        plan.dns.strategy === 'gate'
          ? 'traffic gate closed: DNS answers the DR target'
          : 'switched to the DR target',
      before: plan.application.primary.target,
      after: reading.currentValue ?? plan.application.dr.target,
    },
  };
}
