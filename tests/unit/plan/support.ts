import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { InvalidPlanError } from '../../../plan/errors.ts';
import { parsePlan } from '../../../plan/load.ts';
import type { PlanInput } from '../../../plan/schema.ts';

/** The reference plan (drctl.plan.yaml) as a document, and helpers to break it one way at a time. */
export const REFERENCE_PLAN_PATH = new URL('../../../drctl.plan.yaml', import.meta.url).pathname;
export const REFERENCE_PLAN_TEXT = readFileSync(REFERENCE_PLAN_PATH, 'utf8');

export function referenceDocument(): PlanInput {
  return parse(REFERENCE_PLAN_TEXT) as PlanInput;
}

export function referenceWith(change: (plan: PlanInput) => void): PlanInput {
  const plan = referenceDocument();
  change(plan);
  return plan;
}

/** The plan's error, or a failed assertion when the plan is accepted. */
export function planErrorOf(document: unknown): InvalidPlanError {
  try {
    parsePlan(document, 'test-plan');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPlanError);
    return error as InvalidPlanError;
  }
  throw new Error('expected the plan to be rejected');
}

/** The one issue on `field`; fails when there is none. */
export function issueOn(error: InvalidPlanError, field: string): string {
  const issue = error.issues.find((line) => line.startsWith(`${field}: `));
  if (!issue) throw new Error(`no issue on ${field}; issues:\n${error.issues.join('\n')}`);
  return issue;
}

/**
 * Grows a plan document to `databases` databases and `services` services copied from its first
 * ones; with `clusters`, the services are spread over that many clusters in each region (shop-dr-0 and shop-0, ...).
 */
export function grownTo(plan: PlanInput, databases: number, services: number, clusters?: number): void {
  const [database] = plan.databases;
  const [service] = plan.services;
  if (!database || !service) throw new Error('the reference plan has databases and services');
  plan.databases = Array.from({ length: databases }, (_, i) => ({
    ...database,
    id: `db${i}`,
    primary: { ...database.primary, identifier: `shop-db${i}` },
    replica: { ...database.replica, identifier: `shop-db${i}-replica` },
  }));
  plan.services = Array.from({ length: services }, (_, i) => ({
    ...service,
    id: `svc${i}`,
    ...(clusters === undefined ? {} : { cluster: `shop-dr-${i % clusters}` }),
    service: `shop-svc${i}`,
    primary: {
      ...service.primary,
      ...(clusters === undefined ? {} : { cluster: `shop-${i % clusters}` }),
      service: `shop-svc${i}`,
    },
  }));
}
