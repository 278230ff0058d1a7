import type { HistoryEvent as SdkHistoryEvent } from '@aws-sdk/client-sfn';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DEFAULT_TIMINGS,
  type Measurements,
  startWorld,
  type World,
  type WorldEvent,
  type WorldSnapshot,
} from '../../local/index.ts';
import { DrError } from '../../plan/errors.ts';
import { drillStateMachineName, gateAlarmName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { stepsFromHistory } from '../../report/execution-steps.ts';
import { fetchExecution } from '../../report/fetch-execution.ts';
import { formatDuration } from '../../report/format.ts';
import { type ExecutionRecord, reportFromExecution } from '../../report/from-execution.ts';
import type { RunReport } from '../../report/schema.ts';
import { removeWorldTempFolder } from '../local/world-temp.ts';
import { InterruptedError, type Interrupts, type StopSignal } from '../terminal/interrupt.ts';
import type { Progress } from '../terminal/progress.ts';
import { offsetLabel } from '../terminal/style.ts';
import type { ChosenFault } from './faults.ts';
import { DrillInterruptedError, markInterrupted } from './interrupted.ts';
import { withWorldMeasurements } from './local-report.ts';
import { lockHolder } from './lock-holder.ts';
import { quietPeriodMs } from './poll-timing.ts';
import { productionCalls } from './production-calls.ts';
import { worldChanges } from './world-changes.ts';
import { describeWorldEvent } from './world-events.ts';

/**
 * A drill in the local world: seed the world from the plan (the write stream runs from the
 * start), wait until monitoring sees a healthy primary with active replication, inject the
 * primary-region outage (or, in dry-run mode, start a dry run by hand; in drill mode, start the
 * drill machine by hand: it makes and removes its own copies, production keeps running), and
 * follow what the unattended path does until the run ends and, after a failover, the DR region
 * serves. The report comes from
 * the world's Step Functions API, completed with what only the world measures.
 */
export interface LocalDrillOptions {
  plan: Plan;
  mode: LocalMode;
  faults: readonly ChosenFault[];
  scale?: number;
  seed?: number;
  progress: Progress;
  /** Ctrl-C and SIGTERM: each wait ends with a DrillInterruptedError carrying the partial report. */
  interrupts?: Interrupts;
}

export type LocalMode = 'failover' | 'dry-run' | 'drill';

export interface LocalDrillResult {
  report: RunReport;
  before: WorldSnapshot;
  after: WorldSnapshot;
  measurements: Measurements;
}

/** Monitoring must have a baseline before the outage: replica lag datapoints, an OK alarm. */
const MIN_WARM_UP_SECONDS = 120;
const WARM_UP_LIMIT_SECONDS = 1_800;
/** Time for a `before` fault to show in the once-a-minute replica-lag metric. */
const FAULT_SETTLE_SECONDS = 90;

export async function runLocalDrill(options: LocalDrillOptions): Promise<LocalDrillResult> {
  const { plan, progress, interrupts } = options;
  // Every wait of the drill ends at the first Ctrl-C (or SIGTERM): the drill then says what it
  // stopped and closes the world.
  const wait: Wait = (work) => (interrupts ? interrupts.race(work) : work);
  const world = await startWorld({
    plan,
    // The drill machine, its functions, the canary and the status-change sweep (drills only).
    ...(options.mode === 'drill' ? { drills: true } : {}),
    ...(options.scale === undefined ? {} : { scale: options.scale }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const removeForce = interrupts?.onForce(() => removeWorldTempFolder(world));
  const state: DrillState = {
    phase: 'starting the local world',
    baseline: world.snapshot(),
    origin: world.clock.now(),
  };
  progress.setOrigin(world.clock.now());
  try {
    interrupts?.check();
    const snapshotBefore = await settle(world, options, state, wait);
    const executionArn = await followIncident(world, options, state, wait);
    state.phase = "reading the execution's history";
    const measurements = world.measurements();
    const snapshotAfter = world.snapshot();
    const record = await wait(readExecution(world, executionArn));
    const fromHistory = reportFromExecution(record, plan, { region: plan.regions.dr });
    const report = withWorldMeasurements(
      fromHistory,
      {
        measurements,
        dependencies: dependenciesOf(world, record),
        ...(options.mode === 'drill' ? { production: productionCalls(world, windowOf(world, record)) } : {}),
      },
      options.mode,
    );
    return { report, before: snapshotBefore, after: snapshotAfter, measurements };
  } catch (error) {
    if (error instanceof InterruptedError && !(error instanceof DrillInterruptedError)) {
      throw await interruptedDrill(world, options, state, error.signal);
    }
    throw error;
  } finally {
    removeForce?.();
    progress.stop();
    await world.close();
  }
}

type Wait = <T>(work: Promise<T>) => Promise<T>;

/** Up to the incident: a monitoring baseline, then the `before` faults settled. */
async function settle(
  world: World,
  options: LocalDrillOptions,
  state: DrillState,
  wait: Wait,
): Promise<WorldSnapshot> {
  const { plan, progress } = options;
  progress.note(
    `local world for plan ${plan.name} on ${world.endpoint} (scale ${world.clock.scale}x: one wall second is ${world.clock.scale} simulated seconds)`,
  );
  progress.note(
    `write stream: ${DEFAULT_TIMINGS.writesPerSecond} writes/s on each primary database (${plan.databases.map((d) => d.primary.identifier).join(', ')}), replicated to ${plan.regions.dr}`,
  );
  progress.startStatus(() => world.clock.now());
  state.phase = 'waiting for a monitoring baseline';
  await wait(warmUp(world));
  const settled = formatDuration(world.clock.elapsedSeconds());
  progress.note(
    `monitoring baseline after ${settled} (simulated): primary serving, failover alarm OK, replication active`,
  );
  const before = options.faults.filter((f) => f.spec.phase === 'before');
  for (const fault of before) fault.inject(world);
  if (before.length > 0) {
    state.phase = 'letting the faults settle';
    await wait(world.runFor(FAULT_SETTLE_SECONDS));
  }
  state.baseline = world.snapshot();
  return state.baseline;
}

/** The incident (outage or dry run) until its execution ends and, after a failover, traffic moved. */
async function followIncident(
  world: World,
  options: LocalDrillOptions,
  state: DrillState,
  wait: Wait,
): Promise<string> {
  const { progress } = options;
  const origin = world.clock.now();
  state.origin = origin;
  progress.setOrigin(origin);
  progress.note(ORIGIN_NOTE[options.mode]);
  const atOutage = options.faults.filter((f) => f.spec.phase === 'at-outage');
  const following = followWorld(world, origin, progress);
  try {
    let executionArn: string;
    if (options.mode === 'failover') {
      world.faults.regionOutage();
      for (const fault of atOutage) fault.inject(world);
      state.phase = 'waiting for detection after the primary-region outage';
      executionArn = await wait(waitForTrigger(world, origin));
    } else {
      for (const fault of atOutage) fault.inject(world);
      state.phase = options.mode === 'drill' ? 'starting the drill' : 'starting the dry run';
      executionArn = await wait(options.mode === 'drill' ? startDrill(world) : startDryRun(world));
      // Offsets count from the execution's own start, as in the report.
      progress.setOrigin(world.stepFunctions.describe(executionArn).startDate.getTime());
    }
    for (;;) {
      state.executionArn = executionArn;
      state.phase = `execution ${executionArn.split(':').at(-1)} was running`;
      await wait(waitForEnd(world, executionArn));
      // Duplicate alarm events start more runs; the lock skips all but one: follow that one.
      const holder = options.mode === 'failover' ? lockHolder(world, executionArn, origin) : undefined;
      if (holder === undefined) break;
      progress.line(
        world.clock.now(),
        'info',
        `execution ${executionArn.split(':').at(-1)} was skipped by the lock; following ${holder.split(':').at(-1)}, which holds it`,
      );
      following.follow(holder);
      executionArn = holder;
    }
    if (options.mode === 'failover' && failedOver(world.stepFunctions.describe(executionArn))) {
      state.phase = "waiting for the record's traffic to reach the DR region";
      await wait(waitForDrTraffic(world, origin)).catch((error: unknown) => {
        if (error instanceof InterruptedError) throw error;
        progress.line(world.clock.now(), 'warn', "the record's traffic was not seen reaching the DR region");
      });
    }
    return executionArn;
  } finally {
    following.stop();
    progress.stop();
  }
}

const ORIGIN_NOTE: Record<LocalMode, string> = {
  failover: 'T+00:00 is the primary-region outage; detection and failover run unattended from here',
  'dry-run': 'T+00:00 is the start of the dry run',
  drill:
    'T+00:00 is the start of the drill: it copies the DR replicas, declares its own outage once they are available (the RTO runs from there), recovers on the copies and cleans up; production keeps running',
};

/** Where a drill is, for the line an interrupt prints. */
interface DrillState {
  phase: string;
  baseline: WorldSnapshot;
  /** Simulated ms T+00:00 stands for. */
  origin: number;
  executionArn?: string;
}

/** Reading an execution after Ctrl-C must not hold the operator up: a few wall seconds at most. */
const INTERRUPTED_READ_WALL_MS = 3_000;

/** What an interrupted drill knows: the world's changes and, if an execution started, its partial report. */
async function interruptedDrill(
  world: World,
  options: LocalDrillOptions,
  state: DrillState,
  signal: StopSignal,
): Promise<DrillInterruptedError> {
  const { plan, mode } = options;
  options.progress.stop();
  const changedSoFar = worldChanges(state.baseline, world.snapshot(), gateAlarmName(plan));
  const executionArn =
    state.executionArn ??
    world.stepFunctions
      .list()
      .filter((execution) => execution.startDate.getTime() >= state.origin)
      .at(-1)?.arn;
  const at = offsetLabel((world.clock.now() - state.origin) / 1000);
  if (executionArn === undefined) {
    return new DrillInterruptedError(signal, { during: `${state.phase} (${at})`, changedSoFar }, null);
  }
  let report: RunReport | null = null;
  let during = `${state.phase} (${at})`;
  try {
    const record = await Promise.race([
      readExecution(world, executionArn),
      new Promise<never>((_, reject) => {
        setTimeout(() => reject(new Error('timed out')), INTERRUPTED_READ_WALL_MS).unref();
      }),
    ]);
    const running = stepsFromHistory(record.events, record.execution.status === 'RUNNING')
      .steps.filter((step) => step.outcome === 'running')
      .map((step) => step.step);
    if (running.length > 0) during = `${state.phase} (${at}; running: ${running.join(', ')})`;
    const interruption = { during, changedSoFar };
    const partial = reportFromExecution(record, plan, { region: plan.regions.dr });
    report = markInterrupted(
      withWorldMeasurements(
        partial,
        { measurements: world.measurements(), dependencies: dependenciesOf(world, record) },
        mode,
      ),
      signal,
      interruption,
    );
  } catch {
    // The world could not say more in time: the line still says what had changed.
  }
  return new DrillInterruptedError(signal, { during, changedSoFar }, report);
}

/** The execution ended having failed over (not skipped, stood down, denied or timed out). */
function failedOver(execution: { status: string; output: string | undefined }): boolean {
  if (execution.status !== 'SUCCEEDED') return false;
  try {
    return (JSON.parse(execution.output ?? '{}') as { outcome?: unknown }).outcome === 'failed-over';
  } catch {
    return false;
  }
}

function windowOf(world: World, record: ExecutionRecord): { from: Date; to: Date } {
  return {
    from: record.execution.startDate ?? new Date(world.clock.now()),
    to: record.execution.stopDate ?? new Date(world.clock.now()),
  };
}

/** drctl's calls the world counted while the execution ran: the run report's dependencies. */
function dependenciesOf(world: World, record: ExecutionRecord) {
  const { from, to } = windowOf(world, record);
  return { rows: world.dependencies({ from, to }), from: from.toISOString(), to: to.toISOString() };
}

/** The execution and its history through the world's Step Functions API, as on AWS. */
async function readExecution(world: World, executionArn: string): Promise<ExecutionRecord> {
  const client = new SFNClient({
    region: world.plan.regions.dr,
    endpoint: world.endpoint,
    credentials: {
      accessKeyId: world.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: world.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  });
  try {
    return await fetchExecution(client, executionArn);
  } finally {
    client.destroy();
  }
}

async function warmUp(world: World): Promise<void> {
  const alarm = world.detection.alarmName;
  try {
    await world.until(
      (events) => {
        if (world.clock.elapsedSeconds() < MIN_WARM_UP_SECONDS) return false;
        const lastAlarm = events.findLast((e) => e.type === 'alarm.state' && e.detail.alarm === alarm);
        const lastCheck = events.findLast(
          (e) =>
            (e.type === 'healthcheck.healthy' || e.type === 'healthcheck.unhealthy') &&
            e.region === world.plan.regions.primary,
        );
        return lastAlarm?.detail.state === 'OK' && lastCheck?.type !== 'healthcheck.unhealthy';
      },
      { timeoutSeconds: WARM_UP_LIMIT_SECONDS },
    );
  } catch {
    const state = world.snapshot().alarms.find((a) => a.name === alarm)?.state ?? 'missing';
    throw new DrError(
      `the local world did not settle within ${WARM_UP_LIMIT_SECONDS} simulated seconds (failover alarm ${alarm} is ${state}); try a lower --scale`,
    );
  }
}

/** The execution the alarm starts after the outage; a plan that waits for approval stops the drill. */
async function waitForTrigger(world: World, origin: number): Promise<string> {
  const limit = Math.max(3_600, world.plan.objectives.rtoSeconds * 4);
  const trigger = (events: WorldEvent[]) =>
    events.find(
      (e) => e.at >= origin && (e.type === 'failover.triggered' || e.type === 'failover.approval-requested'),
    );
  try {
    await world.until((events) => trigger(events) !== undefined, { timeoutSeconds: limit });
  } catch {
    const back = world.events
      .list()
      .find(
        (e) => e.type === 'region.recovered' && e.at >= origin && e.region === world.plan.regions.primary,
      );
    throw new DrError(
      back
        ? `no failover started: the primary region ${world.plan.regions.primary} came back ${formatDuration((back.at - origin) / 1000)} after the outage, before any detection alarm fired (nothing to fail over; give the outage longer than detection takes)`
        : `no failover started within ${limit} simulated seconds of the outage: detection did not trigger`,
    );
  }
  const event = trigger(world.events.list()) as WorldEvent;
  if (event.type === 'failover.approval-requested') {
    throw new DrError(
      `the plan's failover.trigger is "approval": the alarm asked for a person's approval and no failover started (set failover.trigger: automatic to drill the unattended path)`,
    );
  }
  return event.detail.executionArn as string;
}

/** Dry run: started by hand through the Step Functions API, as an operator would. */
function startDryRun(world: World): Promise<string> {
  const stamp = Math.floor(world.clock.now() / 1000);
  return startExecution(world, world.stepFunctions.stateMachineArn, `drill-dry-run-${stamp}`, {
    mode: 'dry-run',
    reason: 'drctl drill --mode dry-run',
    incidentId: `drill-${stamp}`,
    requestedBy: 'drctl drill',
  });
}

/** A drill: the drill machine (`<plan>-drill`) started by hand through the Step Functions API, as an operator would. */
async function startDrill(world: World): Promise<string> {
  const stamp = Math.floor(world.clock.now() / 1000);
  const arn = world.drill?.stateMachineArn;
  if (!arn) {
    throw new DrError(
      `the local world deployed no drill state machine ${drillStateMachineName(world.plan)} (it is started with drills: true)`,
    );
  }
  return startExecution(world, arn, `drill-${stamp}`, {
    mode: 'drill',
    reason: 'drctl drill --mode drill',
    incidentId: `drill-${stamp}`,
    requestedBy: 'drctl drill',
  });
}

async function startExecution(
  world: World,
  stateMachineArn: string,
  name: string,
  input: Record<string, string>,
): Promise<string> {
  const client = new SFNClient({
    region: world.plan.regions.dr,
    endpoint: world.endpoint,
    credentials: {
      accessKeyId: world.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: world.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  });
  try {
    const started = await client.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return started.executionArn as string;
  } finally {
    client.destroy();
  }
}

async function waitForEnd(world: World, executionArn: string): Promise<void> {
  const limit = Math.max(7_200, world.plan.objectives.rtoSeconds * 8);
  try {
    await world.until(
      (events) => events.some((e) => e.type === 'execution.ended' && e.detail.executionArn === executionArn),
      { timeoutSeconds: limit },
    );
  } catch {
    throw new DrError(`execution ${executionArn} did not end within ${limit} simulated seconds`);
  }
}

/** Clients keep the old answer for the record's TTL: RTO ends when traffic reaches the DR region. */
async function waitForDrTraffic(world: World, origin: number): Promise<void> {
  await world.until(
    (events) =>
      events.some(
        (e) =>
          e.type === 'traffic.served' &&
          e.at >= origin &&
          e.detail.role === 'dr' &&
          e.detail.serving === true,
      ),
    { timeoutSeconds: world.plan.dns.ttl + 300 },
  );
}

/** What a person can do while the run waits for a decision (the drill's world answers drctl approve). */
function decisionNote(world: World, executionName: string): string {
  const { timeoutMinutes } = world.plan.failover.approval;
  return `the run waits for a person's decision before the point of no return: drctl approve ${executionName} --endpoint ${world.endpoint} --reason TEXT (or drctl deny); with nobody to decide it ends after ${timeoutMinutes} min (simulated) with no change`;
}

/** Prints the world's facts and the execution's steps as they happen. */
function followWorld(
  world: World,
  origin: number,
  progress: Progress,
): { stop: () => void; follow: (executionArn: string) => void } {
  let tracked: string | undefined;
  let refresh: NodeJS.Timeout | undefined;
  let askedForDecision = false;
  const showSteps = () => {
    refresh = undefined;
    if (!tracked) return;
    const execution = world.stepFunctions.describe(tracked);
    // The world keeps history events in Step Functions' own shape.
    const history = execution.history as unknown as SdkHistoryEvent[];
    const running = execution.status === 'RUNNING';
    const steps = stepsFromHistory(history, running).steps;
    progress.steps(steps, {
      final: !running,
      now: world.clock.now(),
      quietMs: quietPeriodMs(world.plan),
    });
    if (!askedForDecision && steps.some((step) => step.kind === 'decision' && step.outcome === 'running')) {
      askedForDecision = true;
      progress.line(world.clock.now(), 'warn', decisionNote(world, execution.name));
    }
  };
  // Quiet stretches (a replica rebooting) end steps too: look again now and then.
  const ticker = setInterval(() => {
    if (refresh === undefined) showSteps();
  }, 100);
  ticker.unref();
  const unsubscribe = world.events.subscribe((event) => {
    if (event.at < origin) return;
    if (event.type === 'execution.started' && tracked === undefined)
      tracked = event.detail.executionArn as string;
    if (event.type.startsWith('state.') || event.type === 'execution.ended') {
      if (event.detail.executionArn === tracked && refresh === undefined) refresh = setTimeout(showSteps, 20);
      if (event.type !== 'execution.ended') return;
      if (refresh) clearTimeout(refresh);
      showSteps();
    }
    const line = describeWorldEvent(event, world);
    if (line) progress.line(event.at, line.tone, line.text);
  });
  return {
    stop: () => {
      unsubscribe();
      clearInterval(ticker);
      if (refresh) clearTimeout(refresh);
      showSteps();
    },
    follow: (executionArn) => {
      tracked = executionArn;
      showSteps();
    },
  };
}
