import { join } from 'node:path';
import { DEFAULT_TIMINGS, type Timings, type World } from '../../local/index.ts';
import { loadPlanFile } from '../../plan/load.ts';
import { drDetectionAlarmName, GATE_ALARM_PERIOD_SECONDS } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { progress } from '../lib/log.ts';
import { median, roundTo, summarize } from '../lib/stats.ts';
import { REPO_ROOT } from '../lib/timed-process.ts';
import type { OverheadFigure } from '../results.ts';
import { allowedOverheadSeconds } from '../targets.ts';
import { type AwsPhases, assertFixedTimings, type IdealPath, idealGatePath, idealPath } from './ideal.ts';
import { runSequentialRunbook } from './sequential-runbook.ts';
import {
  awsPhases,
  FIXED_TIMINGS,
  promotionSecondsForRun,
  startBenchWorld,
  type Timeline,
  timelineOf,
  untilDrServes,
  warmUpAndAlign,
} from './world-run.ts';

/** The outage falls this far into a minute (the alarms' period), the same in every run, so runs compare. */
const OUTAGE_OFFSET_SECONDS = 1;

export interface WorldFigureOptions {
  runs: number;
  scale: number;
}

export interface RunResult {
  rtoSeconds: number;
  detectionSeconds: number | null;
  /** The outage instant, simulated ms since the epoch. */
  outageAt: number;
  /** Where AWS's clocks stood in this world (probe schedule, Route 53 checkers). */
  phases: AwsPhases;
  timeline: Timeline;
  /**
   * RTO the gate path would give from drctl's actual switch instant, with nothing else late:
   * RTO minus it is what the world added after the switch (its traffic sampling).
   */
  rtoFromSwitchSeconds: number | null;
}

export function referencePlan(): Plan {
  return loadPlanFile(join(REPO_ROOT, 'drctl.plan.yaml'));
}

/** Warms the world up, then takes the primary region down at the same point of a minute. */
export async function injectOutage(world: World): Promise<number> {
  await warmUpAndAlign(world, OUTAGE_OFFSET_SECONDS);
  const origin = world.clock.now();
  world.faults.regionOutage();
  return origin;
}

function finish(world: World, origin: number, timings: Timings): RunResult {
  const measured = world.measurements();
  if (measured.rtoSeconds === null) throw new Error('the world measured no RTO: the DR region never served');
  const phases = awsPhases(world);
  const timeline = timelineOf(world, origin);
  const fromSwitch =
    timeline.switched === null
      ? null
      : idealGatePath(world.plan, timings, origin + Math.round(timeline.switched * 1000), phases).drServed;
  return {
    rtoSeconds: measured.rtoSeconds,
    detectionSeconds: measured.failoverStartSeconds,
    outageAt: origin,
    phases,
    timeline,
    rtoFromSwitchSeconds: fromSwitch === null ? null : roundTo((fromSwitch - origin) / 1000, 1),
  };
}

/** drctl's unattended path: the alarm starts the state machine, which runs the real handlers. */
export async function drctlFailover(
  plan: Plan,
  scale: number,
  seed: number,
  hooks: { started?: (world: World) => void; ended?: (world: World) => void } = {},
  timings: Timings = timingsForRun(plan, 1, 1),
): Promise<RunResult> {
  const world = await startBenchWorld({ plan, scale, seed, timings });
  try {
    hooks.started?.(world);
    const origin = await injectOutage(world);
    await world.until((events) => events.some((e) => e.type === 'execution.ended' && e.at >= origin), {
      timeoutSeconds: 7_200,
    });
    hooks.ended?.(world);
    const ended = world.events.list({ type: 'execution.ended', since: origin })[0];
    if (ended?.detail.status !== 'SUCCEEDED') {
      throw new Error(
        `the failover execution ended ${String(ended?.detail.status)}: ${String(ended?.detail.error)}`,
      );
    }
    await untilDrServes(world, origin, plan.dns.ttl + 300);
    return finish(world, origin, timings);
  } finally {
    await world.close();
  }
}

/**
 * The naive runbook, started when the same DR-path alarm fires (plus the EventBridge delivery a
 * pager would also wait for): a person cannot start it sooner than drctl's alarm rule.
 */
async function sequentialFailover(
  plan: Plan,
  timings: Timings,
  scale: number,
  seed: number,
): Promise<RunResult> {
  const world = await startBenchWorld({ plan, scale, seed, alarmTrigger: false, timings });
  try {
    const origin = await injectOutage(world);
    const alarm = drDetectionAlarmName(plan);
    await world.until((events) =>
      events.some(
        (e) =>
          e.at >= origin &&
          e.type === 'alarm.state' &&
          e.detail.alarm === alarm &&
          e.detail.state === 'ALARM',
      ),
    );
    await world.runFor(timings.eventDeliverySeconds);
    await runSequentialRunbook(world);
    await untilDrServes(world, origin);
    return finish(world, origin, timings);
  } finally {
    await world.close();
  }
}

/**
 * The runbook's own compute is a few SDK calls per poll, so it can run at a higher scale than
 * drctl's failover (whose handler and interpreter time the scale multiplies) without distortion.
 */
export function sequentialScale(scale: number): number {
  return Math.max(scale, 50);
}

/**
 * Median seconds of each stretch of the failover, for "where the time goes": detection, the
 * recovery (drctl's start-up, promotion, services), drctl's wait until the switch, then the gate
 * path (switch → gate alarm → health check → DNS answer → served).
 */
export function stepMedians(timelines: Timeline[]): Record<string, number> {
  const stretches: Record<string, (t: Timeline) => number | null> = {
    outageToDetectionAlarm: (t) => t.detectionAlarm,
    detectionAlarmToExecution: (t) => diff(t.executionStarted, t.detectionAlarm),
    executionToFirstChange: (t) => diff(t.firstChange, t.executionStarted),
    promotionsDone: (t) => diff(t.promotionsCompleted, t.firstChange),
    servicesServing: (t) => diff(t.servicesSteady, t.firstChange),
    // Never below zero: the world logs a service's steady state a moment after its tasks serve.
    readyToSwitch: (t) => {
      const gap = diff(t.switched, maxOf(t.promotionsCompleted, t.servicesSteady));
      return gap === null ? null : Math.max(0, gap);
    },
    switchToGateAlarm: (t) => diff(t.gateAlarm, t.switched),
    gateAlarmToHealthCheck: (t) => diff(t.healthCheckUnhealthy, t.gateAlarm),
    healthCheckToDnsAnswer: (t) => diff(t.drAnswer, t.healthCheckUnhealthy),
    dnsAnswerToServed: (t) => diff(t.drServing, t.drAnswer),
  };
  const out: Record<string, number> = {};
  for (const [name, of] of Object.entries(stretches)) {
    const values = timelines.map(of).filter((v): v is number => v !== null);
    if (values.length > 0) out[name] = roundTo(median(values), 1);
  }
  return out;
}

const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
const maxOf = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.max(a, b));

/**
 * Each run's full timings: fixed, with the promotion spread over the promotion poll interval
 * plus the gate alarm's minute (see promotionSecondsForRun).
 */
export function timingsForRun(plan: Plan, run: number, runs: number): Timings {
  const timings: Timings = { ...DEFAULT_TIMINGS, ...FIXED_TIMINGS };
  timings.promotionSeconds = promotionSecondsForRun(
    run,
    runs,
    plan.failover.pollSeconds.promotion + GATE_ALARM_PERIOD_SECONDS,
    DEFAULT_TIMINGS.promotionSeconds,
  );
  assertFixedTimings(timings);
  return timings;
}

/** One run's overhead, split: drctl's delay of the switch, and what it cost on the gate's grid. */
export interface RunOverhead {
  ideal: IdealPath;
  overheadSeconds: number;
  /** drctl's switch instant minus the ideal one: its own slack, before any minute rounds it. */
  switchSlackSeconds: number | null;
  /** RTO minus the RTO the gate path gives from drctl's actual switch: the world's sampling. */
  afterSwitchSeconds: number | null;
}

export function runOverhead(plan: Plan, timings: Timings, run: RunResult): RunOverhead {
  const ideal = idealPath(plan, timings, run.outageAt, run.phases);
  const idealSwitch = ideal.detectionSeconds + Math.max(ideal.promotionSeconds, ideal.serviceReadySeconds);
  return {
    ideal,
    overheadSeconds: roundTo(run.rtoSeconds - ideal.criticalPathSeconds, 1),
    switchSlackSeconds:
      run.timeline.switched === null ? null : roundTo(run.timeline.switched - idealSwitch, 1),
    afterSwitchSeconds:
      run.rtoFromSwitchSeconds === null ? null : roundTo(run.rtoSeconds - run.rtoFromSwitchSeconds, 1),
  };
}

const measuredValues = (values: (number | null)[]) => values.filter((v): v is number => v !== null);

export async function measureOverhead(options: WorldFigureOptions): Promise<OverheadFigure> {
  const plan = referencePlan();
  const drctl: RunResult[] = [];
  const sequential: RunResult[] = [];
  const overheads: RunOverhead[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const timings = timingsForRun(plan, run, options.runs);
    progress(
      `overhead: drctl failover ${run} of ${options.runs} (scale ${options.scale}, promotion ${timings.promotionSeconds} s)`,
    );
    const result = await drctlFailover(plan, options.scale, run, {}, timings);
    const overhead = runOverhead(plan, timings, result);
    drctl.push(result);
    overheads.push(overhead);
    progress(
      `overhead: run ${run}: RTO ${result.rtoSeconds} s, ideal ${overhead.ideal.criticalPathSeconds} s, overhead ${overhead.overheadSeconds} s (switch slack ${overhead.switchSlackSeconds} s)`,
    );
    progress(
      `overhead: sequential runbook ${run} of ${options.runs} (scale ${sequentialScale(options.scale)})`,
    );
    sequential.push(await sequentialFailover(plan, timings, sequentialScale(options.scale), run));
  }
  // The ideal of the middle of the spread: what the allowance is computed from.
  const middle = timingsForRun(plan, 1, 1);
  const first = drctl[0];
  if (!first) throw new Error('no failover ran');
  const ideal = idealPath(plan, middle, first.outageAt, first.phases);
  const rto = summarize(drctl.map((r) => r.rtoSeconds));
  const sequentialRto = summarize(sequential.map((r) => r.rtoSeconds));
  const slack = measuredValues(overheads.map((o) => o.switchSlackSeconds));
  const afterSwitch = measuredValues(overheads.map((o) => o.afterSwitchSeconds));
  return {
    scale: options.scale,
    timings: flattenTimings(middle),
    promotionSecondsPerRun: drctl.map((_, i) => timingsForRun(plan, i + 1, options.runs).promotionSeconds),
    ideal,
    idealPerRunSeconds: summarize(overheads.map((o) => o.ideal.criticalPathSeconds)),
    drctl: {
      rtoSeconds: rto,
      detectionSeconds: summarize(drctl.map((r) => r.detectionSeconds ?? Number.NaN)),
      steps: stepMedians(drctl.map((r) => r.timeline)),
    },
    overheadPerRunSeconds: summarize(overheads.map((o) => o.overheadSeconds)),
    overheadSeconds: roundTo(median(overheads.map((o) => o.overheadSeconds)), 1),
    ...(slack.length > 0 ? { switchSlackSeconds: summarize(slack) } : {}),
    ...(afterSwitch.length > 0 ? { afterSwitchSeconds: summarize(afterSwitch) } : {}),
    ...(slack.length > 0 && afterSwitch.length > 0
      ? { expectedOverheadSeconds: roundTo(median(slack) + median(afterSwitch), 1) }
      : {}),
    allowedOverheadSeconds: allowedOverheadSeconds(ideal.criticalPathSeconds),
    sequential: {
      scale: sequentialScale(options.scale),
      rtoSeconds: sequentialRto,
      steps: stepMedians(sequential.map((r) => r.timeline)),
    },
    ratioToSequential: roundTo(rto.median / sequentialRto.median, 3),
  };
}

function flattenTimings(timings: Timings): Record<string, number> {
  return Object.fromEntries(
    Object.entries(timings).map(([name, value]) => [
      name,
      Array.isArray(value) ? (value[1] as number) : value,
    ]),
  );
}
