import { randomUUID } from 'node:crypto';
import { beatOnce } from '../functions/canary/beat.ts';
import { type CanaryDeps, closeCanaryDeps, createCanaryDeps } from '../functions/canary/sessions.ts';
import { rdsClient, secretsManagerClient } from '../functions/shared/clients.ts';
import { type DeployedFunctionName, functionSettings } from '../plan/function-settings.ts';
import { canaryFunctionName } from '../plan/names.ts';
import type { DrillHandlers } from './assembly/drill-handlers.ts';
import type { WorldContext } from './context.ts';
import type { LambdaModel } from './lambda/model.ts';
import type { Execution, StepFunctionsModel } from './stepfunctions/executions.ts';
import { holdingTheClock, type Invoke } from './stepfunctions/lambda-functions.ts';

/**
 * What the CDK app deploys for drills, running in the world:
 * - the Lambda functions the drill reaches through the Lambda API: `<plan>-drill` (DR),
 *   `<plan>-canary` (primary region, beside the primaries) and `<plan>-canary-reader` (DR,
 *   beside the copies), and `<plan>-evidence` (DR) when the checkout has functions/evidence;
 * - the canary writer's schedule: in AWS an EventBridge schedule (rate 1 minute) runs the
 *   writer, whose loop writes a heartbeat every drills.canary.intervalSeconds for ~55 s. The
 *   world runs the same core (`beatOnce`, the real mysql2 client to the wire endpoints) every
 *   intervalSeconds of simulated time while the primary region is up, when the plan enables the
 *   canary, to its MySQL and MariaDB databases (the world has no PostgreSQL endpoint). A beat
 *   holds the clock (its work counts at real speed);
 * - the EventBridge rules on Step Functions "Execution Status Change" events (DR region): the
 *   drill machine's FAILED, TIMED_OUT and ABORTED executions invoke `<plan>-drill` with
 *   `{ op: "sweep", reason }` (an input transformer), and every end of both machines invokes
 *   `<plan>-evidence` with the event. Delivery as EventBridge does it: after
 *   timings.eventDeliverySeconds, only while the DR region's EventBridge is up (retried every
 *   minute for 24 hours), at least once; Lambda runs the target asynchronously and retries a
 *   failed invocation twice (after 1 and 2 minutes), as Lambda's asynchronous invocation does.
 */
export interface DrillRuntime {
  /** The canary writer's connections closed, its schedule stopped. */
  stop(): Promise<void>;
}

const STATUS_EVENTS = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
const SWEEP_EVENTS = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);
const EVENT_RETRY_LIMIT_MS = 24 * 3_600_000;
const EVENT_RETRY_INTERVAL_MS = 60_000;
/** Lambda's asynchronous invocation: two retries of a function error, about 1 and 2 minutes later. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

export function startDrills(
  context: WorldContext,
  deps: {
    handlers: DrillHandlers;
    lambda: LambdaModel;
    stepFunctions: StepFunctionsModel;
    drillStateMachineArn: string;
    isEventBridgeUp: (region: string) => boolean;
  },
): DrillRuntime {
  const { plan, clock, timings } = context;
  const { handlers, lambda } = deps;
  const timed = holdingTheClock(
    {
      drill: handlers.drill,
      canaryWriter: handlers.canaryWriter,
      canaryReader: handlers.canaryReader,
      ...(handlers.evidence ? { evidence: handlers.evidence } : {}),
    } as Record<string, Invoke>,
    clock,
    timings.lambdaInvocationMs,
  );
  const { dr, primary } = plan.regions;
  const settings = (name: DeployedFunctionName) => ({
    ...functionSettings(plan, name),
    description: `drctl ${name} for plan ${plan.name}`,
  });
  lambda.register(dr, `${plan.name}-drill`, timed.drill as Invoke, settings('drill'));
  lambda.register(
    primary,
    canaryFunctionName(plan, 'writer'),
    timed.canaryWriter as Invoke,
    settings('canary-writer'),
  );
  lambda.register(
    dr,
    canaryFunctionName(plan, 'reader'),
    timed.canaryReader as Invoke,
    settings('canary-reader'),
  );
  if (timed.evidence) lambda.register(dr, `${plan.name}-evidence`, timed.evidence, settings('evidence'));

  const canary = startCanaryWriter(context);
  deps.stepFunctions.onExecutionEnded = (execution) =>
    emitStatusChange(context, deps, execution, {
      sweep: timed.drill as Invoke,
      ...(timed.evidence ? { evidence: timed.evidence } : {}),
    });
  return {
    stop: async () => {
      deps.stepFunctions.onExecutionEnded = () => {};
      await canary.stop();
    },
  };
}

/** The writer's beats on the world's clock (see above); nothing when the plan leaves the canary off. */
function startCanaryWriter(context: WorldContext): { stop(): Promise<void> } {
  const { plan, clock, scheduler, events } = context;
  // The world's wire endpoints speak MySQL only: a PostgreSQL database gets no heartbeats here
  // (its drills report RPO from the lag estimate; see docs/local-world.md).
  const databases = plan.databases.filter((db) => db.engine !== 'postgres');
  if (!plan.drills.canary.enabled || databases.length === 0) return { stop: async () => {} };
  const { primary } = plan.regions;
  const canaryDeps: CanaryDeps = createCanaryDeps({
    plan: { ...plan, databases },
    rds: rdsClient({ region: primary }),
    secrets: secretsManagerClient({ region: primary }),
    // The world's endpoints have no TLS (the only place DRCTL_DB_TLS=disabled holds).
    tls: false,
  });
  let beating: Promise<void> | undefined;
  let failing = new Set<string>();
  const beat = async () => {
    const release = clock.hold();
    try {
      const beats = await beatOnce(canaryDeps);
      const nowFailing = new Set(beats.filter((b) => b.seq === null).map((b) => b.databaseId));
      for (const b of beats) {
        const was = failing.has(b.databaseId);
        if (b.seq === null && !was) {
          events.record(
            'canary.beat',
            clock.now(),
            `canary: no heartbeat written to ${b.instanceIdentifier}: ${b.error ?? 'unknown error'}`,
            { databaseId: b.databaseId, instance: b.instanceIdentifier, ok: false, error: b.error ?? null },
            primary,
          );
        } else if (b.seq !== null && was) {
          events.record(
            'canary.beat',
            clock.now(),
            `canary: heartbeats reach ${b.instanceIdentifier} again (seq ${b.seq})`,
            { databaseId: b.databaseId, instance: b.instanceIdentifier, ok: true, seq: b.seq },
            primary,
          );
        }
      }
      failing = nowFailing;
    } finally {
      release();
    }
  };
  const stopSchedule = scheduler.every(plan.drills.canary.intervalSeconds * 1000, () => {
    // The writer runs beside the primaries: nothing runs while their region is down, and a beat
    // still under way (a slow database) is not doubled (the loop waits for it in AWS too).
    if (!context.isRegionUp(primary) || beating) return;
    beating = beat().finally(() => {
      beating = undefined;
    });
  });
  return {
    stop: async () => {
      stopSchedule();
      await beating?.catch(() => undefined);
      await closeCanaryDeps(canaryDeps);
    },
  };
}

/** Step Functions' "Execution Status Change" event and the rules' targets (see above). */
function emitStatusChange(
  context: WorldContext,
  deps: { drillStateMachineArn: string; isEventBridgeUp: (region: string) => boolean },
  execution: Execution,
  targets: { sweep: Invoke; evidence?: Invoke },
): void {
  if (!STATUS_EVENTS.has(execution.status)) return;
  const { plan, account, clock } = context;
  const at = clock.now();
  const event = {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: execution.region,
    resources: [execution.arn],
    detail: {
      executionArn: execution.arn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime(),
      stopDate: execution.stopDate?.getTime() ?? at,
      input: execution.input,
      output: execution.output ?? null,
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
  const isDrill = execution.stateMachineArn === deps.drillStateMachineArn;
  if (isDrill && SWEEP_EVENTS.has(execution.status)) {
    const reason = `drill execution ${execution.name} ended ${execution.status}${execution.error ? ` (${execution.error})` : ''}`;
    deliver(context, deps, `${plan.name}-drill`, `${plan.name}-drill-sweep-on-failure`, event.id, () =>
      targets.sweep({ op: 'sweep', reason: reason.slice(0, 500) }),
    );
  }
  // The evidence rule names the failover and drill state machines, never their children.
  if (targets.evidence && execution.parent === undefined) {
    const evidence = targets.evidence;
    deliver(context, deps, `${plan.name}-evidence`, `${plan.name}-evidence-on-status-change`, event.id, () =>
      evidence(event),
    );
  }
}

function deliver(
  context: WorldContext,
  deps: { isEventBridgeUp: (region: string) => boolean },
  functionName: string,
  ruleName: string,
  eventId: string,
  invoke: () => Promise<unknown>,
): void {
  const { plan, scheduler, events, clock, timings } = context;
  const { dr } = plan.regions;
  const firstTryAt = clock.now();
  const attempt = (due: number) => {
    if (!deps.isEventBridgeUp(dr)) {
      const dropped = due - firstTryAt >= EVENT_RETRY_LIMIT_MS;
      events.record(
        'eventbridge.undelivered',
        due,
        `rule ${ruleName}: the execution status event is not delivered to ${functionName}: EventBridge in ${dr} is down${dropped ? ' (24 h of retries: dropped)' : ' (retried)'}`,
        { rule: ruleName, eventId, function: functionName, region: dr, dropped },
        dr,
      );
      if (!dropped) scheduler.after(EVENT_RETRY_INTERVAL_MS, attempt);
      return;
    }
    events.record(
      'eventbridge.delivered',
      due,
      `rule ${ruleName} delivers the execution status event to ${functionName}`,
      { rule: ruleName, eventId, function: functionName, region: dr },
      dr,
    );
    runAsync(context, functionName, invoke, 0);
  };
  scheduler.after(timings.eventDeliverySeconds * 1000, attempt);
}

/** Lambda's asynchronous invocation: the function runs; a failure is retried twice, then dropped. */
function runAsync(
  context: WorldContext,
  functionName: string,
  invoke: () => Promise<unknown>,
  retry: number,
): void {
  const { scheduler, events, clock, plan } = context;
  invoke().catch((error: unknown) => {
    const delay = ASYNC_RETRY_DELAYS_MS[retry];
    events.record(
      'lambda.async-failed',
      clock.now(),
      `${functionName} failed on an asynchronous invocation: ${(error as Error).message.slice(0, 300)}${delay === undefined ? ' (retries exhausted: dropped)' : ' (retried)'}`,
      { function: functionName, error: (error as Error).name, retry, dropped: delay === undefined },
      plan.regions.dr,
    );
    if (delay !== undefined) scheduler.after(delay, () => runAsync(context, functionName, invoke, retry + 1));
  });
}
