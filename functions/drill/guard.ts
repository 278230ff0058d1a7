import { NotADrillResourceError } from '../../plan/errors.ts';
import { DRILL_PLAN_TAG, drillCopyIdentifier, isDrillCopyIdentifier } from '../../plan/names.ts';
import type { Plan, PlanDatabase, PlanService } from '../../plan/schema.ts';

/**
 * What a drill may touch, checked before every call that changes something (the drill roles'
 * IAM policies say the same; this is the second lock on the door): DB instances named as drill
 * copies and tagged with this plan, never an identifier of the plan's primaries or replicas; the
 * plan's DR services; the drill gate (functions/shared/traffic-gate.ts drillGate). Anything else
 * is refused with an error naming it, before any call.
 */
export function productionIdentifiers(plan: Plan): Set<string> {
  return new Set(
    plan.databases.flatMap((db) => [
      db.primary.identifier.toLowerCase(),
      db.replica.identifier.toLowerCase(),
    ]),
  );
}

export function copyIdentifierOf(db: PlanDatabase): string {
  return drillCopyIdentifier(db.replica.identifier);
}

/** The copy of a plan database; refuses one whose name would collide with production. */
export function guardCopyOf(plan: Plan, db: PlanDatabase): string {
  const identifier = copyIdentifierOf(db);
  guardCopyIdentifier(plan, identifier, 'create');
  return identifier;
}

export function guardCopyIdentifier(plan: Plan, identifier: string, action: string): void {
  if (!isDrillCopyIdentifier(identifier)) {
    throw new NotADrillResourceError(
      `drill: refusing to ${action} DB instance ${identifier}: it is not a drill copy (drill copies end in -drill); nothing was called`,
    );
  }
  if (productionIdentifiers(plan).has(identifier.toLowerCase())) {
    throw new NotADrillResourceError(
      `drill: refusing to ${action} DB instance ${identifier}: it is a primary or replica of plan ${plan.name}; rename the plan's instance so that it does not end in -drill`,
    );
  }
}

/** A DB instance may be deleted or promoted by a drill only when it is a drill copy of this plan. */
export function guardTaggedCopy(
  plan: Plan,
  identifier: string,
  tags: Record<string, string>,
  action: string,
): void {
  guardCopyIdentifier(plan, identifier, action);
  if (tags[DRILL_PLAN_TAG] !== plan.name) {
    throw new NotADrillResourceError(
      `drill: refusing to ${action} DB instance ${identifier}: it is not tagged ${DRILL_PLAN_TAG}=${plan.name} (found ${tags[DRILL_PLAN_TAG] ?? 'no such tag'}); drctl never touches an instance it did not make`,
    );
  }
}

export function findPlanDatabase(plan: Plan, databaseId: string): PlanDatabase {
  const db = plan.databases.find((candidate) => candidate.id === databaseId);
  if (db) return db;
  throw new NotADrillResourceError(
    `drill: databaseId: no database "${databaseId}" in plan ${plan.name} (known: ${plan.databases.map((d) => d.id).join(', ')})`,
  );
}

export function guardPlanService(plan: Plan, cluster: string, service: string): PlanService {
  const found = plan.services.find((s) => s.cluster === cluster && s.service === service);
  if (found) return found;
  throw new NotADrillResourceError(
    `drill: refusing to scale ECS service ${cluster}/${service} in ${plan.regions.dr}: it is not a DR service of plan ${plan.name}`,
  );
}
