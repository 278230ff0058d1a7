import { type Mutation, metricResource, type World } from '../../local/index.ts';
import { gateAlarmName, gateMetric, isDrillCopyIdentifier } from '../../plan/names.ts';
import type { DrillFacts } from '../../report/schema.ts';

/**
 * The mutating calls a drill made on production resources, from the world's mutation ledger
 * (CloudTrail's write events, as the world keeps them): the plan's primaries and DR replicas and
 * their parameter groups, the primary services, the public record's record sets, the public
 * traffic gate (metric and alarm). A drill may change only its copies, the DR services' desired
 * count and the drill name's gate and records; anything else here is a broken promise.
 */
export function productionResources(world: World): { exact: Set<string>; prefixes: string[] } {
  const { plan, models } = world;
  const exact = new Set<string>();
  for (const db of plan.databases) {
    for (const { region, identifier } of [db.primary, db.replica]) {
      exact.add(models.rds.arnOf(region, identifier));
      const instance = models.rds.instances.get(models.rds.key(region, identifier));
      if (instance)
        exact.add(`${models.rds.arnOf(region, '').replace(/:db:$/, ':pg:')}${instance.parameterGroupName}`);
    }
  }
  for (const service of plan.services) {
    exact.add(
      models.ecs.serviceArnOf(plan.regions.primary, service.primary.cluster, service.primary.service),
    );
  }
  const gate = gateMetric(plan);
  exact.add(metricResource(plan.regions.dr, gate.namespace, gate.metricName, gate.dimensions));
  exact.add(models.cloudWatch.alarmArnOf(plan.regions.dr, gateAlarmName(plan)));
  const record = plan.dns.record.replace(/\.?$/, '.').toLowerCase();
  return { exact, prefixes: [`route53:${plan.dns.hostedZoneId}/${record}|`] };
}

/** A drill copy shares its source's name as a prefix: never mistake `<replica>-drill` for the replica. */
function isProduction(resource: string, production: { exact: Set<string>; prefixes: string[] }): boolean {
  if (resource.includes(':db:') && isDrillCopyIdentifier(resource.split(':db:')[1] ?? '')) return false;
  return production.exact.has(resource) || production.prefixes.some((prefix) => resource.startsWith(prefix));
}

export function productionCalls(world: World, window: { from: Date; to: Date }): DrillFacts['production'] {
  const production = productionResources(world);
  const calls = world
    .mutations({ from: window.from, to: window.to })
    .filter((mutation: Mutation) =>
      mutation.resources.some((resource) => isProduction(resource, production)),
    );
  return {
    mutatingCalls: calls.length,
    calls: calls.map((call) => ({
      at: new Date(call.at).toISOString(),
      service: call.service,
      region: call.region,
      operation: call.operation,
      resources: call.resources,
      outcome: call.outcome,
    })),
  };
}
