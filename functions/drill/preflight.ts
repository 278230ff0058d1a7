import type { ExecutionListItem } from '@aws-sdk/client-sfn';
import { DrillRefusedError, InvalidInputError } from '../../plan/errors.ts';
import { drillRecordName, failoverStateMachineName } from '../../plan/names.ts';
import type { Plan, PlanDatabase } from '../../plan/schema.ts';
import { executionInputSchema, parseTaskInput, refuseUnusableExecutionName } from '../shared/contracts.ts';
import type {
  DrillPreflightDatabase,
  DrillPreflightOutput,
  drillPreflightInputSchema,
} from '../shared/drill-contracts.ts';
import { isReplicaOfPlanPrimary, readDbInstance, replicaSource } from '../shared/read-db-instance.ts';
import { readDrService } from '../shared/read-dr-service.ts';
import { lastActiveLag, readReplicaLag } from '../shared/replica-lag.ts';
import { drServiceResource, replicaResource } from '../shared/resource-names.ts';
import type * as z from '../shared/validator.ts';
import { describeRun, runningExecutions, runningFailovers } from './executions.ts';
import { copyIdentifierOf, productionIdentifiers } from './guard.ts';
import { readFailedOver } from './plan-state.ts';
import type { DrillPorts } from './ports.ts';
import { drillTiming } from './timing.ts';

export type DrillPreflightInput = z.output<typeof drillPreflightInputSchema>;
type Ports = Pick<
  DrillPorts,
  'plan' | 'rds' | 'cloudWatch' | 'ecs' | 'sfn' | 'machines' | 'lookup' | 'now' | 'logger'
>;

/**
 * Whether a drill may start now, read only: it refuses (DrillRefusedError, every reason at
 * once, nothing changed) while a failover runs or the plan is failed over, while an older drill
 * runs (the oldest start wins, as the failover's lock), and when a plan replica cannot be the
 * source of a copy (not an available replica of the plan's primary, or without automated backups,
 * which RDS needs for a cascading replica). It reports each DR replica's lag now.
 */
export async function drillPreflight(
  ports: Ports,
  input: DrillPreflightInput,
): Promise<DrillPreflightOutput> {
  const { plan } = ports;
  refuseUnusableExecutionName(input.correlationId);
  const request = parseTaskInput(executionInputSchema, input.request, 'execution input');
  if (request.mode !== 'drill') {
    throw new InvalidInputError(
      `execution input: mode: "${request.mode}" runs on the failover state machine ${failoverStateMachineName(plan)}; this drill state machine takes only "drill". Nothing was changed.`,
      'mode',
    );
  }
  const checkedAt = ports.now();
  const self = { executionArn: input.executionArn, startedAt: new Date(input.executionStartTime) };
  const [lockProblems, replicaProblems, services, failedOver] = await Promise.all([
    lockProblemsOf(ports, self),
    Promise.all(plan.databases.map((db) => replicaProblem(ports, db))),
    Promise.all(plan.services.map((service) => readService(ports, service))),
    readFailedOver(ports),
  ]);
  const problems = [
    ...lockProblems,
    ...(failedOver.failedOver === true
      ? [
          `plan ${plan.name} is failed over (${failedOver.reasons.join('; ')}): drills run only while production is in ${plan.regions.primary}`,
        ]
      : []),
    ...replicaProblems.flatMap((problem) => (problem === null ? [] : [problem])),
    ...services.flatMap((service) => (service.problem === null ? [] : [service.problem])),
  ];
  if (problems.length > 0) {
    throw new DrillRefusedError(`Drill refused, nothing was changed: ${problems.join('; ')}`);
  }
  const databases = await Promise.all(plan.databases.map((db) => describeDatabase(ports, db, checkedAt)));
  ports.logger?.info('drill preflight passed', { databases: databases.length, services: services.length });
  return {
    checkedAt: checkedAt.toISOString(),
    request: { ...request, mode: 'drill' },
    executionName: input.correlationId,
    drillRecord: drillRecordName(plan),
    databases,
    services: services.map(({ service, desiredCount }) => ({
      id: service.id,
      cluster: service.cluster,
      service: service.service,
      desiredCount,
      drDesiredCount: service.drDesiredCount,
    })),
    canary: { ...plan.drills.canary },
    objectives: { ...plan.objectives },
    timing: drillTiming(plan),
  };
}

/** A failover that may change production, or an older drill, stands in the way. */
async function lockProblemsOf(
  ports: Ports,
  self: { executionArn: string; startedAt: Date },
): Promise<string[]> {
  const [failovers, drills] = await Promise.all([
    runningFailovers(ports.sfn, ports.machines.failover),
    runningExecutions(ports.sfn, ports.machines.drill),
  ]);
  return [
    ...failovers.map((run) => `a failover runs (${describeRun(run)}): a drill waits until it has ended`),
    ...drills
      .filter((run) => run.executionArn !== self.executionArn && startedBefore(run, self))
      .map((run) => `another drill runs (${describeRun(run)}): one drill at a time`),
  ];
}

function startedBefore(run: ExecutionListItem, self: { executionArn: string; startedAt: Date }): boolean {
  const started = run.startDate?.getTime() ?? Number.NEGATIVE_INFINITY;
  const own = self.startedAt.getTime();
  return started < own || (started === own && (run.executionArn ?? '') < self.executionArn);
}

/** The DR replica must be an available replica of the plan's primary, with backups on for MySQL and MariaDB (a cascading replica's source). */
async function replicaProblem({ plan, rds }: Ports, db: PlanDatabase): Promise<string | null> {
  const resource = replicaResource(db);
  if (productionIdentifiers(plan).has(copyIdentifierOf(db))) {
    return `the drill copy of ${resource} would be named ${copyIdentifierOf(db)}, which is a production identifier of the plan: rename that instance`;
  }
  const replica = await readDbInstance(rds, db.replica.identifier, db.replica.region);
  if (replica === null) return `${resource} not found: create the cross-region replica before a drill`;
  if (replicaSource(replica) === null) return null; // a standalone replica: reported as failed over
  if (!isReplicaOfPlanPrimary(replica, db)) {
    return `${resource} replicates from ${replicaSource(replica)}, not from the plan's primary ${db.primary.identifier}`;
  }
  const status = replica.DBInstanceStatus ?? 'unknown';
  if (status !== 'available') {
    return `${resource} is ${status}, not available: RDS makes a copy only of an available replica; retry when it is`;
  }
  // MySQL and MariaDB make a replica of a replica only from a source that keeps backups;
  // RDS for PostgreSQL (14.1+) cascades from a replica without them (it keeps none).
  if (replica.BackupRetentionPeriod === 0 && db.engine !== 'postgres') {
    return `${resource} has automated backups off (BackupRetentionPeriod 0): RDS creates a read replica of a replica only when its source keeps backups; set a retention of 1 day or more`;
  }
  return null;
}

async function readService({ plan, ecs }: Ports, service: Plan['services'][number]) {
  const found = await readDrService(ecs, plan, service);
  const resource = drServiceResource(plan, service);
  const problem =
    found === null
      ? `${resource} not found: deploy the pilot-light service before a drill`
      : found.status !== 'ACTIVE'
        ? `${resource} is ${found.status ?? 'in an unknown status'}, not ACTIVE`
        : null;
  return { service, desiredCount: found?.desiredCount ?? 0, problem };
}

async function describeDatabase(
  { plan, cloudWatch }: Ports,
  db: PlanDatabase,
  now: Date,
): Promise<DrillPreflightDatabase> {
  const points = await readReplicaLag(cloudWatch, db.replica.identifier, {
    end: now,
    seconds: plan.detection.replicaLagLookbackSeconds,
  });
  const last = lastActiveLag(points);
  return {
    id: db.id,
    engine: db.engine,
    replicaIdentifier: db.replica.identifier,
    copyIdentifier: copyIdentifierOf(db),
    primaryIdentifier: db.primary.identifier,
    lagSeconds: last?.value ?? null,
    lagObservedAt: last?.timestamp.toISOString() ?? null,
  };
}
