import { DescribeServicesCommand, type ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { Plan, PlanService } from '../../plan/schema.ts';
import type { FencedResource } from '../shared/contracts.ts';
import { outcomeOfError } from './fence-outcome.ts';

export const primaryServiceResource = (plan: Plan, service: PlanService): string =>
  `ecs:${plan.regions.primary}:${service.primary.cluster}/${service.primary.service}`;

/**
 * The old primary's service takes no traffic: desiredCount 0 (ECS drains its tasks from the
 * load balancer). Reads first; a service already at 0, or gone, is fenced already.
 */
export async function fenceService(
  ecs: ECSClient,
  plan: Plan,
  service: PlanService,
): Promise<FencedResource> {
  const resource = primaryServiceResource(plan, service);
  const base = { resource, kind: 'service' as const, action: 'desiredCount 0' };
  const { cluster, service: name } = service.primary;
  try {
    const found = await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
    const current = found.services?.find((s) => s.serviceName === name && s.status !== 'INACTIVE');
    if (current === undefined)
      return { ...base, outcome: 'fenced', detail: 'no such service: nothing can serve' };
    if ((current.desiredCount ?? 0) === 0)
      return { ...base, outcome: 'fenced', detail: 'desiredCount already 0' };
    await ecs.send(new UpdateServiceCommand({ cluster, service: name, desiredCount: 0 }));
    return {
      ...base,
      outcome: 'fenced',
      detail: `desiredCount ${current.desiredCount} → 0 (running ${current.runningCount ?? 0}, draining)`,
    };
  } catch (error) {
    return outcomeOfError(error, base, `fence ${resource}`);
  }
}
