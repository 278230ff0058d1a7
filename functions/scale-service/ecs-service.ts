import {
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import type { PlanService } from '../../plan/schema.ts';
import { ecsError, serviceNotFound } from './ecs-errors.ts';

/** Reads the plan's DR service; a missing, draining or inactive service is "not found". */
export async function describeService(ecs: ECSClient, service: PlanService): Promise<Service> {
  let response: DescribeServicesCommandOutput;
  try {
    response = await ecs.send(
      new DescribeServicesCommand({ cluster: service.cluster, services: [service.service] }),
    );
  } catch (error) {
    throw ecsError(error, service, `DescribeServices ${service.cluster}/${service.service}`);
  }
  const found = response.services?.[0];
  if (!found) {
    const reason = response.failures?.[0]?.reason ?? 'no service returned';
    throw serviceNotFound(service, `was not found (${reason})`);
  }
  if (found.status !== 'ACTIVE')
    throw serviceNotFound(service, `is ${found.status ?? 'in an unknown state'}`);
  return found;
}

/** The rollout state of the deployment ECS is converging to, if any. */
export function primaryRolloutState(service: Service): string | null {
  return service.deployments?.find((deployment) => deployment.status === 'PRIMARY')?.rolloutState ?? null;
}
