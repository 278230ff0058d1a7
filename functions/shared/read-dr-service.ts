import {
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import { ResourceNotFoundError, toDrError } from '../../plan/errors.ts';
import type { Plan, PlanService } from '../../plan/schema.ts';
import { drServiceResource } from './resource-names.ts';

/** Reads the DR-region ECS service of a plan entry; null when it (or its cluster) does not exist. */
export async function readDrService(
  ecs: ECSClient,
  plan: Plan,
  service: PlanService,
): Promise<Service | null> {
  let output: DescribeServicesCommandOutput;
  try {
    output = await ecs.send(
      new DescribeServicesCommand({ cluster: service.cluster, services: [service.service] }),
    );
  } catch (error) {
    const mapped = toDrError(error, `DescribeServices ${drServiceResource(plan, service)}`);
    if (mapped instanceof ResourceNotFoundError) return null;
    throw mapped;
  }
  // A missing service is reported in `failures` (reason MISSING), not as an exception.
  return output.services?.find((s) => s.serviceName === service.service) ?? null;
}
