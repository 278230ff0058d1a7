import { ResourceNotFoundError, toDrError } from '../../plan/errors.ts';
import type { PlanService } from '../../plan/schema.ts';

const GONE = new Set(['ClusterNotFoundException', 'ServiceNotFoundException', 'ServiceNotActiveException']);

/** The plan's service does not exist (or no longer runs) in the DR cluster. */
export function serviceNotFound(service: PlanService, found: string, cause?: unknown): ResourceNotFoundError {
  return new ResourceNotFoundError(
    `ECS service ${service.service} in cluster ${service.cluster} ${found}: check services "${service.id}" in the plan and the DR stack`,
    { cause },
  );
}

/** Maps an ECS SDK error into the family; `what` names the call and resource. */
export function ecsError(error: unknown, service: PlanService, what: string) {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  if (GONE.has(name)) return serviceNotFound(service, `is not available (${name})`, error);
  return toDrError(error, what);
}
