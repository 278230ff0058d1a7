import type { Plan, PlanDatabase, PlanService } from '../../plan/schema.ts';

/** Resource names as operators read them in reports and notifications. */
export const replicaResource = (db: PlanDatabase): string =>
  `rds:${db.replica.region}:${db.replica.identifier}`;

export const primaryDatabaseResource = (db: PlanDatabase): string =>
  `rds:${db.primary.region}:${db.primary.identifier}`;

export const drServiceResource = (plan: Plan, service: PlanService): string =>
  `ecs:${plan.regions.dr}:${service.cluster}/${service.service}`;

export const dnsRecordResource = (plan: Plan): string =>
  `route53:${plan.dns.hostedZoneId}:${plan.dns.record} ${plan.dns.type}`;
