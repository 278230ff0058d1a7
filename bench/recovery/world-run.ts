import { startWorld, type Timings, type World, type WorldEvent } from '../../local/index.ts';
import type { Plan } from '../../plan/schema.ts';

/** Mid-range values of the world's ranged defaults, so that every run takes the same path. */
export const FIXED_TIMINGS: Partial<Timings> = { taskPendingSeconds: [30, 30], dnsInsyncSeconds: [40, 40] };

/** Monitoring needs a baseline (replica lag datapoints, an OK alarm) before the outage. */
const WARM_UP_SECONDS = 120;

export interface BenchWorldOptions {
  plan: Plan | string;
  scale: number;
  seed: number;
  alarmTrigger?: boolean;
  /**
   * Run the EventBridge schedules (health monitor, primary probe, or the ones named; default
   * none). The DR-side detection path needs the probe: without it only the fast path detects,
   * and nothing detects while us-east-1 is down.
   */
  schedule?: boolean | { healthMonitor?: boolean; primaryProbe?: boolean };
  /** Simulated start instant (fixes the phase of the schedules against the clock's minutes). */
  startAt?: Date;
  /** Overrides on top of FIXED_TIMINGS. */
  timings?: Partial<Timings>;
}

/**
 * The promotion's duration for run `run` of `runs`: the default plus a share of the promotion
 * poll interval. A real promotion ends anywhere between two polls; with exactly 300 s and a 30 s
 * poll every run would land on the same (arbitrary) phase, and the world's compute drift would
 * decide between no slack and a whole interval. Spreading the runs over the interval measures
 * the slack a failover can expect (a single run takes the middle of the interval).
 */
export function promotionSecondsForRun(run: number, runs: number, pollSeconds: number, base: number): number {
  return Math.round((base + ((run - 0.5) / runs) * pollSeconds) * 10) / 10;
}

export async function startBenchWorld(options: BenchWorldOptions): Promise<World> {
  return startWorld({
    plan: options.plan,
    scale: options.scale,
    seed: options.seed,
    timings: { ...FIXED_TIMINGS, ...options.timings },
    // The scheduled health monitor does not take part in failover; it only adds noise.
    schedule: options.schedule ?? false,
    alarmTrigger: options.alarmTrigger ?? true,
    ...(options.startAt ? { startAt: options.startAt } : {}),
  });
}

/** Waits for the baseline, then until `offsetSeconds` past the start of an alarm period. */
export async function warmUpAndAlign(world: World, offsetSeconds: number): Promise<void> {
  const alarm = world.detection.alarmName;
  await world.until(
    (events) =>
      world.clock.elapsedSeconds() >= WARM_UP_SECONDS &&
      events.findLast((e) => e.type === 'alarm.state' && e.detail.alarm === alarm)?.detail.state === 'OK',
    { timeoutSeconds: 1_800 },
  );
  const period = world.plan.detection.alarm.periodSeconds * 1000;
  const now = world.clock.now();
  const target = Math.ceil(now / period) * period + offsetSeconds * 1000;
  await world.runFor((target - now) / 1000);
}

/** Seconds of the simulated clock modulo the alarm period: where in its period the outage fell. */
export function secondsIntoPeriod(world: World, at: number): number {
  return (at % (world.plan.detection.alarm.periodSeconds * 1000)) / 1000;
}

export function drServes(origin: number) {
  return (e: WorldEvent) =>
    e.type === 'traffic.served' && e.at >= origin && e.detail.role === 'dr' && e.detail.serving === true;
}

export async function untilDrServes(world: World, origin: number, timeoutSeconds = 3_600): Promise<void> {
  const served = drServes(origin);
  await world.until((events) => events.some(served), { timeoutSeconds });
}

/**
 * Where a failover's time went, in simulated seconds from the outage: the instants the world
 * logged for each step. Missing steps are null.
 */
export interface Timeline {
  executionStarted: number | null;
  firstChange: number | null;
  promotionsCompleted: number | null;
  servicesSteady: number | null;
  dnsSubmitted: number | null;
  dnsInsync: number | null;
  drServing: number | null;
}

export function timelineOf(
  events: WorldEvent[],
  origin: number,
  counts: { databases: number; services: number },
): Timeline {
  const after = events.filter((e) => e.at >= origin);
  const seconds = (e: WorldEvent | undefined) => (e === undefined ? null : (e.at - origin) / 1000);
  const first = (type: WorldEvent['type']) => after.find((e) => e.type === type);
  const nth = (type: WorldEvent['type'], n: number) => after.filter((e) => e.type === type)[n - 1];
  const changes = after.filter((e) => e.type === 'rds.promotion-started' || e.type === 'ecs.desired-count');
  return {
    executionStarted: seconds(first('execution.started')),
    firstChange: seconds(changes[0]),
    promotionsCompleted: seconds(nth('rds.promotion-completed', counts.databases)),
    servicesSteady: seconds(nth('ecs.service-steady', counts.services)),
    dnsSubmitted: seconds(first('route53.change-submitted')),
    dnsInsync: seconds(first('route53.change-insync')),
    drServing: seconds(after.find(drServes(origin))),
  };
}
