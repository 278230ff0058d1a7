import type { Plan } from '../../plan/schema.ts';
import type { WorldContext } from '../context.ts';
import type { Detection } from '../detection.ts';
import { measure } from '../measure.ts';
import type { MutationLedger } from '../mutations.ts';
import type { DatabaseEndpoints } from '../rds/mysql-endpoints.ts';
import type { RequestCounts } from '../request-counts.ts';
import { snapshotWorld } from '../snapshot.ts';
import type { StepFunctionsModel } from '../stepfunctions/executions.ts';
import { stepTimings } from '../timeline.ts';
import { createWaiting } from '../waiting.ts';
import type { StepFunctionsFacade, World } from '../world.ts';
import type { WriteWatch } from '../write-divergence.ts';
import type { AnsweredRequest } from './api-server.ts';
import type { Cleanup } from './cleanup.ts';
import type { WorldModels } from './models.ts';
import type { WorldStateMachine } from './state-machine.ts';

export interface FacadeParts {
  context: WorldContext;
  failures: readonly unknown[];
  plan: Plan;
  worldPlan: Plan;
  planFile: string;
  endpoint: string;
  env: Record<string, string>;
  dnsResolver: string;
  topicArn: string;
  models: WorldModels;
  machine: WorldStateMachine;
  detection: Detection;
  requests: AnsweredRequest[];
  writes: WriteWatch;
  counts: RequestCounts;
  ledger: MutationLedger;
  databases: DatabaseEndpoints;
  cleanup: Cleanup;
  /** Called once the world is closed (the process may start another). */
  onClosed: () => void;
}

/** The World that callers use: reads of the models, waiting in simulated time, and close. */
export function worldFacade(parts: FacadeParts): World {
  const { context, models, machine, detection, requests, cleanup } = parts;
  const { clock, events, scheduler } = context;
  const { stepFunctions, stateMachineArn } = machine;
  const waiting = createWaiting({ clock, scheduler, events, failures: parts.failures });
  let closed = false;
  return {
    plan: parts.plan,
    worldPlan: parts.worldPlan,
    planFile: parts.planFile,
    endpoint: parts.endpoint,
    env: parts.env,
    dnsResolver: parts.dnsResolver,
    clock,
    events,
    faults: models.fault.faults,
    detection,
    models: {
      rds: models.rds,
      ecs: models.ecs,
      route53: models.route53,
      cloudWatch: models.cloudWatch,
      sns: models.sns,
      ssm: models.ssm,
      secrets: models.secrets,
      s3: models.s3,
      lambda: models.lambda,
      healthChecks: models.healthChecks,
      databases: parts.databases,
    },
    stepFunctions: machineFacade(stepFunctions, stateMachineArn),
    drill: machine.drillStateMachineArn
      ? machineFacade(stepFunctions, machine.drillStateMachineArn)
      : undefined,
    messages: () => [...(models.sns.topics.get(parts.topicArn)?.messages ?? [])],
    steps: (executionArn) => stepTimings(events.list(), executionArn),
    apiCalls: () =>
      requests.map(({ context: call, outcome, at, kind }) => ({
        at,
        service: call.service,
        region: call.region,
        operation: call.operation,
        outcome,
        kind,
      })),
    requestCounts: () => parts.counts.all(),
    dependencies: (window) => parts.counts.dependencies(window),
    mutations: (window) => parts.ledger.list(window),
    snapshot: () =>
      snapshotWorld({
        context,
        rds: models.rds,
        ecs: models.ecs,
        route53: models.route53,
        cloudWatch: models.cloudWatch,
        healthChecks: models.healthChecks,
        application: models.application,
        stepFunctions,
        sns: models.sns,
        faults: models.fault.faults,
        requests,
      }),
    measurements: () =>
      measure(events, models.rds, detection.alarms, parts.plan.regions.primary, parts.writes),
    divergedWrites: () => parts.writes.divergedWrites(),
    singleWriterViolations: () => parts.writes.singleWriterViolations(),
    until: waiting.until,
    runFor: waiting.runFor,
    after: (seconds, action) => scheduler.after(seconds * 1000, () => action()),
    close: async () => {
      if (closed) return;
      closed = true;
      waiting.cancelAll('the local world was closed');
      detection.stop();
      for (const execution of stepFunctions.executions.values()) {
        if (execution.status === 'RUNNING')
          stepFunctions.stop(execution.arn, 'WorldClosed', 'the local world was closed');
      }
      scheduler.stop();
      // Let in-flight handler calls settle before the real clock returns.
      await new Promise((resolve) => setTimeout(resolve, 20));
      cleanup.run();
      parts.onClosed();
    },
  };
}

/** One state machine's executions: start, describe, list (its own only), stop, wait. */
function machineFacade(stepFunctions: StepFunctionsModel, stateMachineArn: string): StepFunctionsFacade {
  return {
    stateMachineArn,
    start: (input, name) => stepFunctions.start(stateMachineArn, name, JSON.stringify(input)).execution,
    describe: (arn) => stepFunctions.execution(arn),
    list: () => [...stepFunctions.executions.values()].filter((e) => e.stateMachineArn === stateMachineArn),
    children: (arn) => [...stepFunctions.executions.values()].filter((e) => e.parent?.rootArn === arn),
    stop: (arn, error, cause) => {
      stepFunctions.stop(arn, error, cause);
    },
    wait: (arn) => stepFunctions.execution(arn).done,
  };
}
