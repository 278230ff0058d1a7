import { loadPlanFile, parsePlan } from '../plan/load.ts';
import type { Plan } from '../plan/schema.ts';
import { watchTraffic } from './application.ts';
import { serveApis } from './assembly/api-server.ts';
import { createCleanup } from './assembly/cleanup.ts';
import { createWorldContext } from './assembly/context.ts';
import { registerOrchestratorFunctions } from './assembly/deployed-functions.ts';
import { backfillProbeHistory } from './assembly/deployment.ts';
import { type DrillHandlers, loadDrillHandlers } from './assembly/drill-handlers.ts';
import { worldFacade } from './assembly/facade.ts';
import { loadWorldHandlers, nextHandlerGeneration } from './assembly/handlers.ts';
import { buildModels } from './assembly/models.ts';
import { enterWorldEnvironment } from './assembly/process-environment.ts';
import { registerStateMachines } from './assembly/state-machine.ts';
import { writeWorldPlan } from './assembly/world-plan.ts';
import { checkScale, type SimClock } from './clock.ts';
import type { CloudWatchModel } from './cloudwatch/model.ts';
import { type Detection, startDetection } from './detection.ts';
import { startDrills } from './drills.ts';
import type { EcsModel } from './ecs/model.ts';
import { sharedEndpoints } from './endpoints.ts';
import type { EventLog, WorldEvent } from './events.ts';
import type { Faults } from './faults.ts';
import type { LambdaModel } from './lambda/model.ts';
import type { Measurements } from './measure.ts';
import { type Mutation, MutationLedger } from './mutations.ts';
import { serverRsaKeys } from './mysql/auth-crypto.ts';
import type { RdsModel } from './rds/model.ts';
import { type DatabaseEndpoints, openDatabaseEndpoints } from './rds/mysql-endpoints.ts';
import { type Dependency, RequestCounts, type RequestTotal, type TimeWindow } from './request-counts.ts';
import type { HealthChecks } from './route53/health-checks.ts';
import type { Route53Model } from './route53/model.ts';
import type { S3Model } from './s3/model.ts';
import { startSchedules, timedScheduledFunctions } from './scheduled-functions.ts';
import type { SecretsManagerModel } from './secretsmanager/model.ts';
import type { WorldSnapshot } from './snapshot.ts';
import type { SnsMessage, SnsModel } from './sns/model.ts';
import type { SsmModel } from './ssm/model.ts';
import type { Execution } from './stepfunctions/executions.ts';
import type { StepTiming } from './timeline.ts';
import { DEFAULT_TIMINGS, type Timings } from './timings.ts';
import { watchWrites } from './write-divergence.ts';

export interface WorldOptions {
  /** The recovery plan, or the path of a plan file. */
  plan: Plan | string;
  /** Simulated seconds per wall second, 1 to 10,000 (default 200: a 15-minute failover in ~4.5 s). */
  scale?: number;
  /** Seed of the world's random choices (timings within their ranges, fault rates). */
  seed?: number;
  /** Simulated start instant (default: now). */
  startAt?: Date;
  timings?: Partial<Timings>;
  /**
   * Run the DR region's EventBridge schedules (default true): the health monitor and the primary
   * probe, or the ones named. Without the probe, the DR-side detection path is off.
   */
  schedule?: boolean | { healthMonitor?: boolean; primaryProbe?: boolean; fencePrimary?: boolean };
  /** Let the detection alarms' events start the state machine (default true). */
  alarmTrigger?: boolean;
  /** Powertools log level of the in-process handlers (default ERROR; the world's own log is `events`). */
  handlerLogLevel?: string;
  /**
   * Deploy drills (default false): the drill state machine beside the failover one
   * (`world.drill`), the drill and canary functions in the Lambda API, the canary writer's
   * heartbeats when the plan enables the canary, and the execution status rules (the drill sweep
   * on failed, timed-out and aborted drills; the evidence function when the checkout has it).
   * Off, the world neither imports those handlers nor runs the canary.
   */
  drills?: boolean;
}

export interface StepFunctionsFacade {
  stateMachineArn: string;
  start(input: unknown, name?: string): Execution;
  describe(executionArn: string): Execution;
  list(): Execution[];
  /** The child executions (startExecution.sync:2) an execution of this machine started, at any depth. */
  children(executionArn: string): Execution[];
  stop(executionArn: string, error?: string, cause?: string): void;
  /** Resolves when the execution has ended. */
  wait(executionArn: string): Promise<Execution>;
}

export interface World {
  /** The plan as given. */
  plan: Plan;
  /** The plan the handlers use: the same, with health URLs on the world's loopback endpoints. */
  worldPlan: Plan;
  planFile: string;
  /** The AWS endpoint (for --endpoint-url / AWS_ENDPOINT_URL). */
  endpoint: string;
  /** Environment for the AWS CLI or an SDK client pointed at the world. */
  env: Record<string, string>;
  /** The world's DNS server for the hosted zone, `127.0.0.1:<port>` (also DRCTL_DNS_RESOLVER). */
  dnsResolver: string;
  clock: SimClock;
  events: EventLog;
  faults: Faults;
  stepFunctions: StepFunctionsFacade;
  /**
   * The drill state machine (`<plan>-drill`, DR region), when the world was started with
   * `drills: true`: `world.drill.start({ mode: 'drill', reason, incidentId, requestedBy })` starts
   * a drill execution as StartExecution does (so does the SFN API on `drill.stateMachineArn`).
   */
  drill: StepFunctionsFacade | undefined;
  detection: Detection;
  /** Messages delivered to the plan's SNS topic. */
  messages(): SnsMessage[];
  /** Each state of an execution with its simulated start, end, duration and outcome. */
  steps(executionArn: string): StepTiming[];
  /** The last 5,000 AWS API calls the world answered (outcome: ok, refused, or the error code). */
  apiCalls(): ApiCall[];
  /** Every request since the start, by service, region, operation, call kind and outcome. */
  requestCounts(): RequestTotal[];
  /**
   * drctl's calls in a simulated time window (e.g. an execution's start and stop), by service,
   * region, operation and whether the recovery requires them: the run report's `dependencies`.
   */
  dependencies(window?: TimeWindow): Dependency[];
  /**
   * Every mutating AWS call the world answered (the last 50,000), with the resources it changed
   * or tried to change, its outcome and call kind (see local/mutations.ts); in a window if given.
   */
  mutations(window?: TimeWindow): Mutation[];
  snapshot(): WorldSnapshot;
  measurements(): Measurements;
  /** Writes each old primary took that its replica never got (see write-divergence.ts). */
  divergedWrites(): { databaseId: string; writes: number; since: number | null }[];
  /** Each moment two instances of one database were writable and reachable; empty is the rule. */
  singleWriterViolations(): { databaseId: string; from: number; to: number | null }[];
  /** Resolves when `condition` holds (checked on every event and every simulated second). */
  until(condition: (events: WorldEvent[]) => boolean, options?: { timeoutSeconds?: number }): Promise<void>;
  /** Resolves after `seconds` of simulated time. */
  runFor(seconds: number): Promise<void>;
  /**
   * Runs `action` after `seconds` of simulated time, exactly, whatever the handlers are doing
   * (wall timers know nothing of simulated time). Returns the cancel function.
   */
  after(seconds: number, action: () => void): () => void;
  /** Stops the world, restores the real clock and the environment. */
  close(): Promise<void>;
  /** Internal models, for tests that inspect state directly. */
  models: {
    rds: RdsModel;
    ecs: EcsModel;
    route53: Route53Model;
    cloudWatch: CloudWatchModel;
    sns: SnsModel;
    ssm: SsmModel;
    secrets: SecretsManagerModel;
    s3: S3Model;
    lambda: LambdaModel;
    healthChecks: HealthChecks;
    /** The MySQL endpoint of each MySQL/MariaDB instance (see rds/mysql-endpoints.ts). */
    databases: DatabaseEndpoints;
  };
}

export interface ApiCall {
  /** Simulated ms when the answer was sent. */
  at: number;
  service: string;
  region: string;
  operation: string;
  outcome: string;
  /** drctl's call kind (from the user agent), or 'outside'. */
  kind: string;
}

export const DEFAULT_SCALE = 200;
/** Metric history the world starts with (simulated seconds before its start). */
const HISTORY_SECONDS = 900;
const ACCOUNT_FALLBACK = '111111111111';

/** One world per process: the clock and the environment are process-wide. */
let running = false;

export async function startWorld(options: WorldOptions): Promise<World> {
  if (running) throw new Error('a local world is already running in this process: close it first');
  running = true;
  try {
    return await openWorld(options);
  } catch (error) {
    running = false;
    throw error;
  }
}

/**
 * Builds a world step by step; each step registers what undoes it, so a failure at any step
 * (and, later, close) leaves nothing behind. A new service is a model in buildModels and an API
 * in serveApis; a new fault lives in faults.ts.
 */
async function openWorld(options: WorldOptions): Promise<World> {
  checkScale(options.scale ?? DEFAULT_SCALE);
  // A plan object is validated like a file: the handlers load it again and would refuse it.
  const plan =
    typeof options.plan === 'string' ? loadPlanFile(options.plan) : parsePlan(options.plan, 'the world plan');
  const account = plan.deployment?.account ?? ACCOUNT_FALLBACK;
  const timings: Timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const endpoints = await sharedEndpoints();
  const cleanup = createCleanup();
  try {
    const { worldPlan, planFile } = writeWorldPlan(plan, endpoints, cleanup);
    const { env, topicArn } = enterWorldEnvironment(
      {
        plan,
        account,
        endpoints,
        planFile,
        ...(options.handlerLogLevel === undefined ? {} : { handlerLogLevel: options.handlerLogLevel }),
      },
      cleanup,
    );
    // Slow one-off work before the simulated clock starts: the handlers' imports, and the RSA key
    // pair every MySQL endpoint of the process shares.
    const generation = nextHandlerGeneration();
    const [handlers] = await Promise.all([loadWorldHandlers(plan, account, generation), serverRsaKeys()]);
    const drillHandlers: DrillHandlers | undefined = options.drills
      ? await loadDrillHandlers(plan, account, generation, handlers.arns)
      : undefined;

    const { context, failures, setRegionState } = createWorldContext(
      {
        plan,
        account,
        timings,
        scale: options.scale ?? DEFAULT_SCALE,
        seed: options.seed ?? 1,
        ...(options.startAt ? { startAt: options.startAt } : {}),
      },
      cleanup,
    );
    const models = buildModels(context, endpoints, setRegionState);
    const databases = await openDatabaseEndpoints(context, models.rds, models.secrets);
    cleanup.add(() => void databases.close());
    const counts = new RequestCounts();
    const ledger = new MutationLedger();
    const machine = registerStateMachines(context, handlers, counts, drillHandlers);
    machine.stepFunctions.invokeGate = models.fault.gate;
    const primaryProbe = timedScheduledFunctions(
      handlers.scheduled,
      context.clock,
      timings.lambdaInvocationMs,
    ).primaryProbe;
    registerOrchestratorFunctions(context, models.lambda, { timed: machine.timed, primaryProbe });
    const requests = serveApis(
      context,
      { models, stepFunctions: machine.stepFunctions, endpoints, counts, ledger },
      cleanup,
    );

    // The world starts as if it had been running for a while: metric history lets the RPO guard
    // and the alarm judge from the first minute (a real deployment has that history).
    models.rds.backfillReplicaLag(HISTORY_SECONDS);
    models.healthChecks.backfill(HISTORY_SECONDS, (check) => models.application.serves(check.role));
    models.route53.seedHealth(models.healthChecks.all(), context.clock.now());
    backfillProbeHistory(context, models.cloudWatch, HISTORY_SECONDS, models.application.serves('primary'));

    const detection = startDetection(context, {
      cloudWatch: models.cloudWatch,
      stepFunctions: machine.stepFunctions,
      stateMachineArn: machine.stateMachineArn,
      alarmTrigger: options.alarmTrigger ?? true,
      isEventBridgeUp: models.fault.isEventBridgeUp,
      nextEventDuplicated: models.fault.nextAlarmEventDuplicated,
    });
    cleanup.add(() => detection.stop());
    const schedule = options.schedule ?? true;
    const scheduled =
      typeof schedule === 'boolean'
        ? { healthMonitor: schedule, primaryProbe: schedule, fencePrimary: schedule }
        : schedule;
    const schedules = startSchedules(context, {
      ...(scheduled.healthMonitor ? { healthMonitor: machine.timed.healthMonitor } : {}),
      ...(scheduled.fencePrimary ? { fencePrimary: machine.timed.fencePrimary } : {}),
      ...(scheduled.primaryProbe ? { primaryProbe } : {}),
      isEventBridgeUp: models.fault.isEventBridgeUp,
    });
    cleanup.add(() => schedules.stop());
    cleanup.add(watchTraffic(context, models.route53, models.application));
    const writes = watchWrites(context, models);
    cleanup.add(writes.stop);
    if (drillHandlers && machine.drillStateMachineArn) {
      const drills = startDrills(context, {
        handlers: drillHandlers,
        lambda: models.lambda,
        stepFunctions: machine.stepFunctions,
        drillStateMachineArn: machine.drillStateMachineArn,
        isEventBridgeUp: models.fault.isEventBridgeUp,
      });
      cleanup.add(() => void drills.stop());
    }
    const problems = [...handlers.problems, ...(drillHandlers?.problems ?? [])];
    const { clock, events } = context;
    events.record(
      'world.started',
      clock.now(),
      `local world for plan ${plan.name} started (scale ${clock.scale}x)${problems.length > 0 ? `; unavailable: ${problems.join('; ')}` : ''}`,
      {
        endpoint: endpoints.awsUrl,
        scale: clock.scale,
        apps: endpoints.appUrls,
        functionProblems: problems,
      },
    );
    return worldFacade({
      context,
      failures,
      plan,
      worldPlan,
      planFile,
      endpoint: endpoints.awsUrl,
      env,
      dnsResolver: endpoints.dnsAddress,
      topicArn,
      models,
      machine,
      detection,
      requests,
      counts,
      ledger,
      writes,
      databases,
      cleanup,
      onClosed: () => {
        running = false;
      },
    });
  } catch (error) {
    cleanup.run();
    throw error;
  }
}
