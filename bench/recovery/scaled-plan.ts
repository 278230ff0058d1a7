import { fittingPollSeconds } from '../../plan/rules/execution-history.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * The reference plan grown (or shrunk) to `databases` databases and `services` services, all in
 * the same regions, cluster and zone: the shape of figure 3's "1 + 1", "10 + 50" and "50 + 200"
 * failovers, with poll intervals that fit the execution history.
 */
export function scaledPlan(base: Plan, databases: number, services: number): Plan {
  const template = base.databases[0];
  const serviceTemplate = base.services[0];
  if (!template || !serviceTemplate) throw new Error('the base plan needs a database and a service');
  const scaled: Plan = {
    ...base,
    // The write canary adds a function, its schedule and a secret per database to the primary
    // stack: with 10 databases and 50 services that stack passes CloudFormation's 500 resources
    // (plan/rules/stack-size.ts). These plans measure failovers, so they leave it off.
    drills: { ...base.drills, canary: { ...base.drills.canary, enabled: false } },
    databases: Array.from({ length: databases }, (_, i) => ({
      ...template,
      id: `db${i + 1}`,
      primary: { ...template.primary, identifier: `${base.name}-db${i + 1}` },
      replica: { ...template.replica, identifier: `${base.name}-db${i + 1}-replica` },
    })),
    services: Array.from({ length: services }, (_, i) => ({
      ...serviceTemplate,
      id: `svc${i + 1}`,
      service: `${base.name}-svc${i + 1}`,
      primary: { ...serviceTemplate.primary, service: `${base.name}-svc${i + 1}` },
    })),
  };
  // Should a plan's executions not fit Step Functions' 25,000-event history, the intervals the
  // plan rule suggests (plan/rules/execution-history.ts), as an operator would set them. Since
  // each resource polls in a child execution, 10 + 50 and 50 + 200 keep the reference intervals.
  const pollSeconds = fittingPollSeconds(scaled);
  return pollSeconds ? { ...scaled, failover: { ...scaled.failover, pollSeconds } } : scaled;
}
