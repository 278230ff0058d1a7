import { InvalidInputError, PreflightFailedError } from '../../plan/errors.ts';
import { drillStateMachineName, failoverStateMachineName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { classifyDrDatabase } from '../shared/classify-database.ts';
import {
  type ExecutionInput,
  executionInputSchema,
  type PreflightDatabase,
  type PreflightOutput,
  type PreflightService,
  type PreflightTrigger,
  parseTaskInput,
  type preflightInputSchema,
  refuseUnusableExecutionName,
} from '../shared/contracts.ts';
import { readDbInstance } from '../shared/read-db-instance.ts';
import { readDrService } from '../shared/read-dr-service.ts';
import { drServiceResource } from '../shared/resource-names.ts';
import type * as z from '../shared/validator.ts';
import { failoverChanges } from './failover-changes.ts';
import { pollTiming } from './poll-timing.ts';
import type { HealthMonitorPorts } from './ports.ts';
import { readTraffic } from './read-traffic.ts';
import { readTrigger } from './read-trigger.ts';
import { estimateRecoverySeconds } from './recovery-estimate.ts';
import { judgeReplicaLag, type RpoVerdict } from './rpo-guard.ts';
import { claimRun } from './run-lock.ts';

export type PreflightInput = z.output<typeof preflightInputSchema>;
type Ports = Pick<
  HealthMonitorPorts,
  'plan' | 'rds' | 'cloudWatch' | 'detectionCloudWatch' | 'ecs' | 'route53' | 'sfn' | 'now' | 'logger'
>;

/**
 * Read-only check that a failover can start: the request is valid, no other failover holds the
 * lock, every plan resource exists in a state the failover can start (or resume) from, and the
 * RPO guard's verdict. Makes no mutating call. A read failure (throttling, 5xx) is thrown as the
 * family error so that the state machine retries; a resource in the wrong state is a problem
 * reported with its fix. A lag the guard cannot accept does not fail here: the run then waits
 * for a person's decision before the point of no return.
 */
export async function preflight(ports: Ports, input: PreflightInput): Promise<PreflightOutput> {
  const { plan } = ports;
  refuseUnusableExecutionName(input.correlationId);
  const request = parseTaskInput(executionInputSchema, input.request, 'execution input');
  refuseDrillMode(plan, request);
  const checkedAt = ports.now();
  await claimRun(
    ports,
    {
      executionArn: input.executionArn,
      stateMachineArn: input.stateMachineArn,
      startedAt: new Date(input.executionStartTime),
    },
    request,
  );
  const [state, trigger] = await Promise.all([
    readPlanState(ports),
    readTrigger(ports, request, new Date(input.executionStartTime)),
  ]);
  // Promoted or promoting databases are not judged: their data loss is already settled.
  const ready = state.databases.filter((d) => d.readiness === 'replica-ready').map((d) => d.db);
  const rpo = await judgeReplicaLag(ports.cloudWatch, plan, ready, checkedAt);
  const output = preflightOutput(plan, { checkedAt, request, trigger, state, rpo });
  ports.logger?.info('preflight passed', {
    changes: output.changes.length,
    rpo: output.rpo,
    decision: output.decision,
  });
  return output;
}

/** A drill fails copies over on its own state machine; this one would fail production over. */
function refuseDrillMode(plan: Plan, request: ExecutionInput): void {
  if (request.mode !== 'drill') return;
  throw new InvalidInputError(
    `execution input: mode: "drill" runs on the drill state machine ${drillStateMachineName(plan)}, not on the failover state machine ${failoverStateMachineName(plan)} (which takes "failover" or "dry-run"); start the drill there (drctl drill --mode drill). Nothing was changed.`,
    'mode',
  );
}

/** Every plan resource as it is now; any problem fails preflight with all problems listed. */
async function readPlanState(ports: Ports) {
  const [databases, services, dns] = await Promise.all([
    checkDatabases(ports),
    checkServices(ports),
    readTraffic(ports),
  ]);
  const problems = [
    ...databases.flatMap((d) => (d.problem === null ? [] : [d.problem])),
    ...services.flatMap((s) => (s.problem === null ? [] : [s.problem])),
    ...(dns.problem === null ? [] : [dns.problem]),
  ];
  if (problems.length > 0) throw new PreflightFailedError(problems);
  return { databases, services, dns };
}

function preflightOutput(
  plan: Plan,
  parts: {
    checkedAt: Date;
    request: ExecutionInput;
    trigger: PreflightTrigger;
    state: Awaited<ReturnType<typeof readPlanState>>;
    rpo: RpoVerdict;
  },
): PreflightOutput {
  const { checkedAt, request, trigger, state, rpo } = parts;
  const lagById = new Map(rpo.judgements.map((j) => [j.db.id, j]));
  const databases = state.databases.map((d) => ({
    id: d.db.id,
    identifier: d.db.replica.identifier,
    readiness: d.readiness ?? ('replica-ready' as const),
    lastActiveLagSeconds: lagById.get(d.db.id)?.lastActiveLagSeconds ?? null,
    lagObservedAt: lagById.get(d.db.id)?.lagObservedAt ?? null,
    status: d.status ?? 'unknown',
  }));
  const services = state.services.map((s) => ({
    id: s.service.id,
    cluster: s.service.cluster,
    service: s.service.service,
    desiredCount: s.desiredCount,
    drDesiredCount: s.service.drDesiredCount,
    runningCount: s.runningCount,
  }));
  const pointsTo = state.dns.pointsTo ?? 'primary';
  return {
    checkedAt: checkedAt.toISOString(),
    request,
    trigger,
    databases: databases.map(
      ({ id, identifier, readiness, lastActiveLagSeconds, lagObservedAt }): PreflightDatabase => ({
        id,
        identifier,
        readiness,
        lastActiveLagSeconds,
        lagObservedAt,
      }),
    ),
    services: services.map(
      ({ id, cluster, service, desiredCount, drDesiredCount }): PreflightService => ({
        id,
        cluster,
        service,
        desiredCount,
        drDesiredCount,
      }),
    ),
    dns: { record: plan.dns.record, currentValue: state.dns.currentValue, pointsTo },
    rpo: {
      budgetSeconds: plan.objectives.rpoSeconds,
      worstLagSeconds: rpo.worstLagSeconds,
      verdict: rpo.verdict,
      offences: rpo.offences,
    },
    decision: decisionNeed(plan, request, rpo),
    estimatedRecoverySeconds: estimateRecoverySeconds(plan),
    changes: failoverChanges(plan, {
      databases,
      services,
      dns: { pointsTo, currentValue: state.dns.currentValue },
    }),
    timing: pollTiming(plan),
  };
}

/**
 * A person decides before the point of no return when the plan asks for approval of alarm-started
 * runs, or when the RPO guard cannot accept the lag. A dry run never waits, but it answers for the
 * failover it rehearses: its `decision` says whether that failover, started now, would wait.
 */
function decisionNeed(plan: Plan, request: ExecutionInput, rpo: RpoVerdict): PreflightOutput['decision'] {
  const reasons: string[] = [];
  if (plan.failover.trigger === 'approval' && request.requestedBy.startsWith('alarm:')) {
    reasons.push('the plan asks for approval of alarm-started failovers (failover.trigger: approval)');
  }
  if (rpo.verdict !== 'within')
    reasons.push(`the RPO guard cannot accept the replica lag: ${rpo.offences.join('; ')}`);
  return { required: reasons.length > 0, reasons };
}

async function checkDatabases({ plan, rds }: Ports) {
  return Promise.all(
    plan.databases.map(async (db) => {
      const instance = await readDbInstance(rds, db.replica.identifier, db.replica.region);
      const classification = classifyDrDatabase(db, instance);
      return {
        db,
        readiness: classification.readiness,
        status: classification.status,
        problem: 'problem' in classification ? classification.problem : null,
      };
    }),
  );
}

async function checkServices({ plan, ecs }: Ports) {
  return Promise.all(
    plan.services.map(async (service) => {
      const found = await readDrService(ecs, plan, service);
      const resource = drServiceResource(plan, service);
      let problem: string | null = null;
      if (found === null) {
        problem = `${resource} not found: deploy the pilot-light service or fix services[id=${service.id}] (cluster, service) in the plan`;
      } else if (found.status !== 'ACTIVE') {
        problem = `${resource} is ${found.status ?? 'in an unknown status'}, not ACTIVE: recreate the service before a failover`;
      }
      return {
        service,
        desiredCount: found?.desiredCount ?? 0,
        runningCount: found?.runningCount ?? 0,
        problem,
      };
    }),
  );
}
