import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlanFile } from '../plan/load.ts';
import type { Plan } from '../plan/schema.ts';
import {
  type FunctionKey,
  loadFailoverDefinition,
  type StateMachineDefinition,
  taskFunctions,
} from '../statemachines/definition.ts';
import { Application, watchTraffic } from './application.ts';
import { createClock, type SimClock } from './clock.ts';
import { cloudWatchApi } from './cloudwatch/api.ts';
import { CloudWatchModel } from './cloudwatch/model.ts';
import type { WorldContext } from './context.ts';
import { type Detection, startDetection } from './detection.ts';
import { ecsApi } from './ecs/api.ts';
import { EcsModel } from './ecs/model.ts';
import { sharedEndpoints } from './endpoints.ts';
import { setEnvironment } from './environment.ts';
import { createEventLog, type EventLog, type WorldEvent } from './events.ts';
import { createFaults, type Faults } from './faults.ts';
import { type Measurements, measure } from './measure.ts';
import { awsRequestListener, type RequestContext } from './protocol/server.ts';
import { rdsApi } from './rds/api.ts';
import { RdsModel } from './rds/model.ts';
import { createRandom } from './rng.ts';
import { route53Api } from './route53/api.ts';
import { HealthChecks } from './route53/health-checks.ts';
import { Route53Model } from './route53/model.ts';
import { createScheduler } from './scheduler.ts';
import { snapshotWorld, type WorldSnapshot } from './snapshot.ts';
import { snsApi } from './sns/api.ts';
import { type SnsMessage, SnsModel } from './sns/model.ts';
import { stepFunctionsApi } from './stepfunctions/api.ts';
import { type Execution, interpreterFor, StepFunctionsModel } from './stepfunctions/executions.ts';
import {
  functionArns,
  holdingTheClock,
  type Invoke,
  type LoadedFunctions,
  loadFunctions,
} from './stepfunctions/lambda-functions.ts';
import { scaledOverrides } from './stepfunctions/overrides.ts';
import { type StepTiming, stepTimings } from './timeline.ts';
import { DEFAULT_TIMINGS, type Timings } from './timings.ts';
import { createWaiting } from './waiting.ts';

export interface WorldOptions {
  /** The recovery plan, or the path of a plan file. */
  plan: Plan | string;
  /** Simulated seconds per wall second (default 200: a 15-minute failover in ~4.5 s). */
  scale?: number;
  /** Seed of the world's random choices (timings within their ranges, fault rates). */
  seed?: number;
  /** Simulated start instant (default: now). */
  startAt?: Date;
  timings?: Partial<Timings>;
  /** Run the health monitor on its schedule (default true). */
  schedule?: boolean;
  /** Let the failover alarm start the state machine (default true). */
  alarmTrigger?: boolean;
  /** Powertools log level of the in-process handlers (default ERROR; the world's own log is `events`). */
  handlerLogLevel?: string;
}

export interface StepFunctionsFacade {
  stateMachineArn: string;
  start(input: unknown, name?: string): Execution;
  describe(executionArn: string): Execution;
  list(): Execution[];
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
  clock: SimClock;
  events: EventLog;
  faults: Faults;
  stepFunctions: StepFunctionsFacade;
  detection: Detection;
  /** Messages delivered to the plan's SNS topic. */
  messages(): SnsMessage[];
  /** Each state of an execution with its simulated start, end, duration and outcome. */
  steps(executionArn: string): StepTiming[];
  /** The last 5,000 AWS API calls the world answered (outcome: ok, refused, or the error code). */
  apiCalls(): ApiCall[];
  snapshot(): WorldSnapshot;
  measurements(): Measurements;
  /** Resolves when `condition` holds (checked on every event and every simulated second). */
  until(condition: (events: WorldEvent[]) => boolean, options?: { timeoutSeconds?: number }): Promise<void>;
  /** Resolves after `seconds` of simulated time. */
  runFor(seconds: number): Promise<void>;
  /**
   * Runs `action` after `seconds` of simulated time, exactly (wall timers drift while the
   * clock is held by a running handler). Returns the cancel function.
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
    healthChecks: HealthChecks;
  };
}

export interface ApiCall {
  /** Simulated ms when the answer was sent. */
  at: number;
  service: string;
  region: string;
  operation: string;
  outcome: string;
}

export const DEFAULT_SCALE = 200;
/** Metric history the world starts with (simulated seconds before its start). */
const HISTORY_SECONDS = 900;
const ACCOUNT_FALLBACK = '111111111111';

/** Functions are imported once per plan file content; a different plan gets fresh modules. */
let loaded: { key: string; functions: LoadedFunctions } | undefined;
let generation = 0;

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

async function openWorld(options: WorldOptions): Promise<World> {
  const plan = typeof options.plan === 'string' ? loadPlanFile(options.plan) : options.plan;
  const account = plan.deployment?.account ?? ACCOUNT_FALLBACK;
  const timings: Timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const endpoints = await sharedEndpoints();

  // The plan the handlers see: health URLs on the world's loopback application endpoints.
  const worldPlan: Plan = {
    ...plan,
    application: {
      primary: { ...plan.application.primary, healthUrl: endpoints.appUrls.primary },
      dr: { ...plan.application.dr, healthUrl: endpoints.appUrls.dr },
    },
  };
  const planDirectory = mkdtempSync(join(tmpdir(), 'drctl-world-'));
  const planFile = join(planDirectory, 'plan.json');
  const planJson = JSON.stringify(worldPlan, null, 2);
  writeFileSync(planFile, planJson);
  const topicArn = `arn:aws:sns:${plan.regions.dr}:${account}:${plan.notifications.topicName}`;
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL: endpoints.awsUrl,
    AWS_ACCESS_KEY_ID: 'AKIALOCALWORLD000000',
    AWS_SECRET_ACCESS_KEY: 'local-world-secret-access-key-0000000000',
    AWS_REGION: plan.regions.dr,
    AWS_DEFAULT_REGION: plan.regions.dr,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const restoreEnv = setEnvironment(
    {
      ...env,
      DRCTL_PLAN_FILE: planFile,
      DRCTL_TOPIC_ARN: topicArn,
      POWERTOOLS_LOG_LEVEL: options.handlerLogLevel ?? process.env.DRCTL_WORLD_LOG_LEVEL ?? 'ERROR',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_DEV: 'false',
    },
    ['AWS_PROFILE', 'AWS_SESSION_TOKEN'],
  );

  // Slow, one-off work happens before the simulated clock starts: importing the handlers (they
  // keep the configuration of their first import) and validating the state machine.
  const arns = functionArns(plan.regions.dr, account, plan.name);
  const functionsKey = createHash('sha256').update(planJson).digest('hex');
  let functions: Record<FunctionKey, Invoke>;
  let functionProblems: string[];
  let definition: StateMachineDefinition;
  let interpreter: ReturnType<typeof interpreterFor>;
  try {
    if (loaded?.key !== functionsKey) {
      const fresh = await loadFunctions(arns, loaded === undefined ? '' : String(++generation));
      loaded = { key: functionsKey, functions: fresh };
    }
    ({ functions, problems: functionProblems } = loaded.functions);
    definition = loadFailoverDefinition(arns);
    interpreter = interpreterFor(definition);
  } catch (error) {
    restoreEnv();
    rmSync(planDirectory, { recursive: true, force: true });
    throw error;
  }

  const clock = createClock({
    scale: options.scale ?? DEFAULT_SCALE,
    ...(options.startAt ? { startAt: options.startAt.getTime() } : {}),
  });
  const failures: unknown[] = [];
  const onError = (error: unknown) => failures.push(error);
  const events = createEventLog(clock.startedAt, onError);
  const scheduler = createScheduler(clock, onError);
  let regionUp: (region: string) => boolean = () => true;
  const context: WorldContext = {
    plan,
    account,
    clock,
    scheduler,
    events,
    random: createRandom(options.seed ?? 1),
    timings,
    isRegionUp: (region) => regionUp(region),
  };

  clock.install();
  let detach = () => {};
  try {
    const rds = new RdsModel(context);
    const ecs = new EcsModel(context);
    const route53 = new Route53Model(context);
    const cloudWatch = new CloudWatchModel(context);
    const sns = new SnsModel(context);
    const application = new Application(context, ecs);
    const fault = createFaults(
      context,
      { rds, ecs },
      {
        onRegionChange: (region, up, at) => {
          if (region === plan.regions.primary) rds.primaryRegionReachable(up, at);
        },
      },
    );
    regionUp = fault.isRegionUp;
    route53.rejectChange = fault.nextDnsRejection;
    rds.onReplicaLag = (region, identifier, value, at) =>
      cloudWatch.putValue(
        region,
        'AWS/RDS',
        'ReplicaLag',
        [{ Name: 'DBInstanceIdentifier', Value: identifier }],
        value,
        at,
        'Seconds',
      );

    const timed = holdingTheClock(functions, clock, timings.lambdaInvocationMs);
    const stepFunctions = new StepFunctionsModel(context, () => timed);
    const stateMachineArn = `arn:aws:states:${plan.regions.dr}:${account}:stateMachine:${plan.name}-failover`;
    stepFunctions.register(
      {
        arn: stateMachineArn,
        name: `${plan.name}-failover`,
        definition,
        roleArn: `arn:aws:iam::${account}:role/${plan.name}-failover-state-machine`,
        createdAt: new Date(clock.now()),
        tasks: taskFunctions(definition, arns),
        overrides: scaledOverrides(definition, plan, clock.scale),
      },
      interpreter,
    );

    const healthChecks = new HealthChecks(context, endpoints.appUrls, (role) => application.probe(role));
    healthChecks.onStatus = (check, value, at) =>
      cloudWatch.putValue(
        'us-east-1',
        'AWS/Route53',
        'HealthCheckStatus',
        [{ Name: 'HealthCheckId', Value: check.id }],
        value,
        at,
      );

    const requests: { context: RequestContext; outcome: string; at: number }[] = [];
    const listener = awsRequestListener({
      query: [rdsApi(rds), snsApi(sns)],
      objects: [ecsApi(ecs), cloudWatchApi(cloudWatch), stepFunctionsApi(stepFunctions)],
      restXml: [route53Api(route53, healthChecks)],
      gate: async (call) => {
        clock.advance(timings.apiCallMs);
        await fault.gate(call);
      },
      defaultRegion: plan.regions.dr,
      onRequest: (request, outcome) => {
        requests.push({ context: request, outcome, at: clock.now() });
        if (requests.length > 5_000) requests.splice(0, requests.length - 5_000);
      },
    });
    detach = endpoints.attach({ aws: listener, app: (role) => application.listener(role) });

    // The world starts as if it had been running for a while: metric history lets the RPO guard
    // and the alarm judge from the first minute (a real deployment has that history).
    rds.backfillReplicaLag(HISTORY_SECONDS);
    healthChecks.backfill(HISTORY_SECONDS, (check) => application.serves(check.role));

    const primaryCheck = healthChecks.checks.find((c) => c.role === 'primary');
    if (!primaryCheck) throw new Error('no primary health check');
    const detection = startDetection(context, {
      cloudWatch,
      primaryCheck,
      stepFunctions,
      stateMachineArn,
      healthMonitor: () => timed.healthMonitor,
      schedule: options.schedule ?? true,
      alarmTrigger: options.alarmTrigger ?? true,
    });
    const stopTraffic = watchTraffic(context, route53, application);
    events.record(
      'world.started',
      clock.now(),
      `local world for plan ${plan.name} started (scale ${clock.scale}x)${functionProblems.length > 0 ? `; unavailable: ${functionProblems.join('; ')}` : ''}`,
      { endpoint: endpoints.awsUrl, scale: clock.scale, apps: endpoints.appUrls, functionProblems },
    );

    const waiting = createWaiting({ clock, scheduler, events, failures });
    const topic = () => sns.topics.get(topicArn);
    let closed = false;
    const world: World = {
      plan,
      worldPlan,
      planFile,
      endpoint: endpoints.awsUrl,
      env,
      clock,
      events,
      faults: fault.faults,
      detection,
      models: { rds, ecs, route53, cloudWatch, sns, healthChecks },
      stepFunctions: {
        stateMachineArn,
        start: (input, name) => stepFunctions.start(stateMachineArn, name, JSON.stringify(input)).execution,
        describe: (arn) => stepFunctions.execution(arn),
        list: () => [...stepFunctions.executions.values()],
        stop: (arn, error, cause) => {
          stepFunctions.stop(arn, error, cause);
        },
        wait: (arn) => stepFunctions.execution(arn).done,
      },
      messages: () => [...(topic()?.messages ?? [])],
      steps: (executionArn) => stepTimings(events.list(), executionArn),
      apiCalls: () =>
        requests.map(({ context: call, outcome, at }) => ({
          at,
          service: call.service,
          region: call.region,
          operation: call.operation,
          outcome,
        })),
      snapshot: () =>
        snapshotWorld({
          context,
          rds,
          ecs,
          route53,
          cloudWatch,
          healthChecks,
          application,
          stepFunctions,
          sns,
          faults: fault.faults,
          requests,
        }),
      measurements: () => measure(events, rds, detection.alarmName, plan.regions.primary),
      until: waiting.until,
      runFor: waiting.runFor,
      after: (seconds, action) => scheduler.after(seconds * 1000, () => action()),
      close: async () => {
        if (closed) return;
        closed = true;
        waiting.cancelAll('the local world was closed');
        detection.stop();
        stopTraffic();
        for (const execution of stepFunctions.executions.values()) {
          if (execution.status === 'RUNNING')
            stepFunctions.stop(execution.arn, 'WorldClosed', 'the local world was closed');
        }
        scheduler.stop();
        detach();
        // Let in-flight handler calls settle before the real clock returns.
        await new Promise((resolve) => setTimeout(resolve, 20));
        clock.uninstall();
        restoreEnv();
        rmSync(planDirectory, { recursive: true, force: true });
        running = false;
      },
    };
    return world;
  } catch (error) {
    scheduler.stop();
    detach();
    clock.uninstall();
    restoreEnv();
    rmSync(planDirectory, { recursive: true, force: true });
    throw error;
  }
}
