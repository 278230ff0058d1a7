import { join } from 'node:path';
import { DEFAULT_TIMINGS, type Timings, type World } from '../../local/index.ts';
import { loadPlanFile } from '../../plan/load.ts';
import type { Plan } from '../../plan/schema.ts';
import { progress } from '../lib/log.ts';
import { median, roundTo, summarize } from '../lib/stats.ts';
import { REPO_ROOT } from '../lib/timed-process.ts';
import type { OverheadFigure } from '../results.ts';
import { allowedOverheadSeconds } from '../targets.ts';
import { assertFixedTimings, idealPath } from './ideal.ts';
import { runSequentialRunbook } from './sequential-runbook.ts';
import {
  FIXED_TIMINGS,
  promotionSecondsForRun,
  startBenchWorld,
  type Timeline,
  timelineOf,
  untilDrServes,
  warmUpAndAlign,
} from './world-run.ts';

/** The outage falls this far into an alarm period, the same in every run, so runs compare. */
const OUTAGE_OFFSET_SECONDS = 1;

export interface WorldFigureOptions {
  runs: number;
  scale: number;
}

export interface RunResult {
  rtoSeconds: number;
  /** The ideal critical path of this run's timings. */
  idealSeconds?: number;
  detectionSeconds: number | null;
  outageAtSeconds: number;
  timeline: Timeline;
}

export function referencePlan(): Plan {
  return loadPlanFile(join(REPO_ROOT, 'drctl.plan.yaml'));
}

/** Warms the world up, then takes the primary region down at the same point of an alarm period. */
export async function injectOutage(world: World): Promise<number> {
  await warmUpAndAlign(world, OUTAGE_OFFSET_SECONDS);
  const origin = world.clock.now();
  world.faults.regionOutage();
  return origin;
}

function finish(world: World, origin: number, plan: Plan): RunResult {
  const measured = world.measurements();
  if (measured.rtoSeconds === null) throw new Error('the world measured no RTO: the DR region never served');
  return {
    rtoSeconds: measured.rtoSeconds,
    detectionSeconds: measured.failoverStartSeconds,
    outageAtSeconds: origin / 1000,
    timeline: timelineOf(world.events.list(), origin, {
      databases: plan.databases.length,
      services: plan.services.length,
    }),
  };
}

/** drctl's unattended path: the alarm starts the state machine, which runs the real handlers. */
export async function drctlFailover(
  plan: Plan,
  scale: number,
  seed: number,
  hooks: { started?: (world: World) => void; ended?: (world: World) => void } = {},
  timings: Partial<Timings> = {},
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
    return finish(world, origin, plan);
  } finally {
    await world.close();
  }
}

/** The naive runbook, started when the same alarm fires (EventBridge delivery included). */
async function sequentialFailover(
  plan: Plan,
  timings: Timings,
  scale: number,
  seed: number,
): Promise<RunResult> {
  const world = await startBenchWorld({ plan, scale, seed, alarmTrigger: false, timings });
  try {
    const origin = await injectOutage(world);
    const alarm = world.detection.alarmName;
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
    return finish(world, origin, plan);
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

/** Median seconds of each stretch of the failover, for "where the time goes". */
export function stepMedians(timelines: Timeline[]): Record<string, number> {
  const stretches: Record<string, (t: Timeline) => number | null> = {
    outageToExecution: (t) => t.executionStarted,
    executionToFirstChange: (t) => diff(t.firstChange, t.executionStarted),
    promotionsDone: (t) => diff(t.promotionsCompleted, t.firstChange),
    servicesServing: (t) => diff(t.servicesSteady, t.firstChange),
    // Never below zero: the world logs a service's steady state a moment after its tasks serve.
    readyToDnsChange: (t) => {
      const gap = diff(t.dnsSubmitted, maxOf(t.promotionsCompleted, t.servicesSteady));
      return gap === null ? null : Math.max(0, gap);
    },
    dnsChangeToInsync: (t) => diff(t.dnsInsync, t.dnsSubmitted),
    insyncToDrServing: (t) => diff(t.drServing, t.dnsInsync),
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

/** Each run's full timings: fixed, with the promotion spread over the poll interval. */
export function timingsForRun(plan: Plan, run: number, runs: number): Timings {
  const timings: Timings = { ...DEFAULT_TIMINGS, ...FIXED_TIMINGS };
  timings.promotionSeconds = promotionSecondsForRun(
    run,
    runs,
    plan.failover.pollSeconds.promotion,
    DEFAULT_TIMINGS.promotionSeconds,
  );
  assertFixedTimings(timings);
  return timings;
}

export async function measureOverhead(options: WorldFigureOptions): Promise<OverheadFigure> {
  const plan = referencePlan();
  const drctl: RunResult[] = [];
  const sequential: RunResult[] = [];
  const overheads: number[] = [];
  const ideals: number[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const timings = timingsForRun(plan, run, options.runs);
    progress(
      `overhead: drctl failover ${run} of ${options.runs} (scale ${options.scale}, promotion ${timings.promotionSeconds} s)`,
    );
    const result = await drctlFailover(plan, options.scale, run, {}, timings);
    const ideal = idealPath(plan, timings, result.outageAtSeconds).criticalPathSeconds;
    drctl.push(result);
    ideals.push(ideal);
    overheads.push(result.rtoSeconds - ideal);
    progress(
      `overhead: sequential runbook ${run} of ${options.runs} (scale ${sequentialScale(options.scale)})`,
    );
    sequential.push(await sequentialFailover(plan, timings, sequentialScale(options.scale), run));
  }
  // The ideal of the middle of the poll interval: what the allowance is computed from.
  const middle = timingsForRun(plan, 1, 1);
  const ideal = idealPath(plan, middle, drctl[0]?.outageAtSeconds ?? OUTAGE_OFFSET_SECONDS);
  const rto = summarize(drctl.map((r) => r.rtoSeconds));
  const sequentialRto = summarize(sequential.map((r) => r.rtoSeconds));
  return {
    scale: options.scale,
    timings: flattenTimings(middle),
    promotionSecondsPerRun: drctl.map((_, i) => timingsForRun(plan, i + 1, options.runs).promotionSeconds),
    ideal,
    drctl: {
      rtoSeconds: rto,
      detectionSeconds: summarize(drctl.map((r) => r.detectionSeconds ?? Number.NaN)),
      steps: stepMedians(drctl.map((r) => r.timeline)),
    },
    overheadPerRunSeconds: summarize(overheads),
    overheadSeconds: roundTo(median(overheads), 1),
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
