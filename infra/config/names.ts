import type { Plan, PlanDatabase, PlanService } from '../../plan/schema.ts';
import { regionalListener } from './deploy-settings.ts';
import { accountOf } from './plan-environment.ts';

/** Physical names derived from the plan, shared by the stacks of both regions. */

/** S3 bucket names are global and at most 63 characters: a long plan name is shortened to fit. */
export function assetsBucketName(plan: Plan, region: string): string {
  const suffix = `-assets-${accountOf(plan)}-${region}`;
  const prefix = plan.name.slice(0, 63 - suffix.length).replace(/-+$/, '');
  return `${prefix}${suffix}`;
}

/**
 * The two secrets of a plan database, the same names in both regions (Secrets Manager replicas
 * keep the name): the master user's (rotation and the deploy-time user setup only) and the
 * application's (the tasks).
 */
export function databaseSecretNames(plan: Plan, database: PlanDatabase) {
  return {
    master: `drctl/${plan.name}/${database.id}/master`,
    app: `drctl/${plan.name}/${database.id}/app`,
  };
}

export function repositoryName(plan: Plan, service: PlanService): string {
  return `${plan.name}/${service.id}`;
}

/** Environment-variable prefix of a database in the containers: `orders` -> `ORDERS`. */
export function databaseEnvPrefix(database: PlanDatabase): string {
  return database.id.toUpperCase().replace(/-/g, '_');
}

/** The service the load balancer routes to: the plan's first service (the others run without one). */
export function loadBalancedService(plan: Plan): PlanService {
  const [first] = plan.services;
  if (!first) throw new Error('The plan has no services');
  return first;
}

export function healthCheckPath(plan: Plan, role: 'primary' | 'dr'): string {
  return regionalListener(plan, role).healthPath;
}
