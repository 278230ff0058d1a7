import type { Plan } from '../plan/schema.ts';
import { recoveryPath } from '../statemachines/recovery-path.ts';
import type { Dependency, RunReport } from './schema.ts';

/**
 * The recovery path's dependencies, as the run report carries them (issue 9: auditors ask what
 * the recovery depended on). Two sources, and the report says which:
 * - measured: the local world counts every drctl call by service, region, operation and call kind
 *   (functions/shared/call-kind.ts) over the run's window;
 * - declared: for a run on AWS the history does not say which APIs a function called, so the
 *   report lists what the recovery path's model (statemachines/recovery-path.ts) declares for the
 *   plan, with `calls: null` (not counted: unknown, never zero).
 */
export type DependencySource = NonNullable<RunReport['dependencySource']>;

/** Required ones first, then by service, region and operation. */
export function sortDependencies(rows: readonly Dependency[]): Dependency[] {
  return [...rows].sort(
    (a, b) =>
      Number(b.required) - Number(a.required) ||
      a.service.localeCompare(b.service) ||
      a.region.localeCompare(b.region) ||
      a.operation.localeCompare(b.operation),
  );
}

export function declaredDependencies(plan: Plan): { rows: Dependency[]; source: DependencySource } {
  const rows: Dependency[] = recoveryPath(plan).flatMap((step) =>
    step.calls.flatMap((call) =>
      call.operations.map((operation) => ({
        service: call.service,
        region: call.region,
        operation,
        calls: null,
        failed: null,
        required: call.required,
        step: step.step,
        what: call.what,
      })),
    ),
  );
  return {
    rows: sortDependencies(rows),
    source: {
      kind: 'declared',
      description:
        "declared by the recovery path's model (statemachines/recovery-path.ts) for this plan: a Step Functions history does not say which AWS APIs each function called, so calls are not counted (CloudTrail has them)",
      from: null,
      to: null,
    },
  };
}

export interface MeasuredCall {
  service: string;
  region: string;
  operation: string;
  calls: number;
  failed: number;
  required: boolean;
}

export function measuredDependencies(
  calls: readonly MeasuredCall[],
  window: { from: string; to: string },
): { rows: Dependency[]; source: DependencySource } {
  return {
    rows: sortDependencies(
      calls.map(({ service, region, operation, calls: count, failed, required }) => ({
        service,
        region,
        operation,
        calls: count,
        failed,
        required,
      })),
    ),
    source: {
      kind: 'measured',
      description:
        "counted by the local world: every call drctl's functions made between the execution's start and end, by service, region and operation, required (DR-region clients) or best effort (marked in each call's user agent); the scheduled monitor's calls in that window are included",
      from: window.from,
      to: window.to,
    },
  };
}

/**
 * Which required calls reached what a primary-region outage takes down: the primary region
 * itself and, Route 53's API living in us-east-1 only, the Route 53 control plane. Calls known to
 * be zero do not count; declared calls (count unknown) do.
 */
export function requiredCallsIntoFailure(report: RunReport): {
  rows: Dependency[];
  failedRegion: string;
} | null {
  const rows = report.dependencies;
  if (rows === null || rows === undefined) return null;
  const failedRegion = report.plan.regions.primary;
  return {
    failedRegion,
    rows: rows.filter(
      (row) => row.required && row.calls !== 0 && (row.region === failedRegion || row.service === 'route53'),
    ),
  };
}

/** A dependency in words: "rds DescribeDBInstances in us-east-1". */
export function dependencyName(row: Dependency): string {
  const where = row.service === 'route53' ? 'the Route 53 API' : row.region;
  return `${row.service} ${row.operation} (${where})`;
}
