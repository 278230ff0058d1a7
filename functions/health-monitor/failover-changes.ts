import { gateMetric } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { Change, PreflightDatabase, PreflightService } from '../shared/contracts.ts';
import { dnsRecordResource, drServiceResource, replicaResource } from '../shared/resource-names.ts';

/** What a failover would change from the state preflight found, in words an operator reads. */
export function failoverChanges(
  plan: Plan,
  state: {
    databases: readonly (PreflightDatabase & { status: string })[];
    services: readonly (PreflightService & { runningCount: number })[];
    dns: { pointsTo: 'primary' | 'dr'; currentValue: string | null };
  },
): Change[] {
  const changes: Change[] = [];
  for (const database of state.databases) {
    if (database.readiness !== 'replica-ready') continue;
    const db = plan.databases.find((d) => d.id === database.id);
    if (db === undefined) continue;
    changes.push({
      resource: replicaResource(db),
      action: 'promote the read replica to a standalone, writable instance',
      before: `read replica of ${db.primary.identifier} (${db.primary.region}), ${database.status}`,
      after: 'standalone instance, replication from the primary stopped for good',
    });
  }
  for (const service of state.services) {
    if (service.desiredCount === service.drDesiredCount) continue;
    const planService = plan.services.find((s) => s.id === service.id);
    if (planService === undefined) continue;
    changes.push({
      resource: drServiceResource(plan, planService),
      action: `set desiredCount to ${service.drDesiredCount}`,
      before: `desiredCount ${service.desiredCount}, running ${service.runningCount}`,
      after: `desiredCount ${service.drDesiredCount}`,
    });
  }
  if (state.dns.pointsTo === 'primary') {
    const primary = plan.application.primary.target;
    const dr = plan.application.dr.target;
    changes.push(
      plan.dns.strategy === 'gate'
        ? {
            resource: dnsRecordResource(plan),
            action: `close the traffic gate: PutMetricData ${gateMetric(plan).namespace}/${gateMetric(plan).metricName} = 0 in ${plan.regions.dr} (data plane, no Route 53 API call)`,
            before: state.dns.currentValue ?? `gate open: Route 53 answers ${primary}`,
            after: `gate closed: Route 53 answers ${dr}`,
          }
        : plan.dns.strategy === 'weighted'
          ? {
              resource: dnsRecordResource(plan),
              action: 'UPSERT both weighted records: all traffic to the DR target',
              before: state.dns.currentValue ?? `${primary} weight 100, ${dr} weight 0`,
              after: `${primary} weight 0, ${dr} weight 100`,
            }
          : {
              resource: dnsRecordResource(plan),
              action: 'UPSERT the record to the DR target',
              before: state.dns.currentValue ?? primary,
              after: dr,
            },
    );
  }
  return changes;
}
