import { startWorld, type Timings, type World, type WorldEvent } from '../../local/index.ts';
import { drDetectionAlarmName, gateAlarmName, gateMetric } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { AwsPhases } from './ideal.ts';

/** Mid-range values of the world's ranged defaults, so that every run takes the same path. */
export const FIXED_TIMINGS: Partial<Timings> = { taskPendingSeconds: [30, 30], dnsInsyncSeconds: [40, 40] };

/** Monitoring needs a baseline (replica lag datapoints, probes, OK alarms) before the outage. */
const WARM_UP_SECONDS = 120;

/**
 * Bench worlds start 15 s into a minute: the primary probe then runs 15 s into every minute (far
 * from the minute boundary where its alarm judges it), and the Route 53 checkers read the gate
 * alarm 15 s after each minute boundary — the middle of their 30 s interval, the expected wait of
 * a checker whose phase nobody knows. The ideal path reads the actual phases from the world.
 */
export const BENCH_START_AT = new Date('2030-01-01T00:00:15Z');

export interface BenchWorldOptions {
  plan: Plan | string;
  scale: number;
  seed: number;
  alarmTrigger?: boolean;
  /**
   * The EventBridge schedules (default: the primary probe alone). The probe is the DR-side
   * detection path, the only one that works while us-east-1 is down. The health monitor's
   * schedule takes no part in a failover (noise). The fence schedule is off because the run's
   * own fence branch does the fencing and the bench's primary region never comes back, so the
   * schedule could only find it unreachable; in the world its handler time would be noise on
   * the clock (an invocation holds the simulated clock at real speed).
   */
  schedule?: boolean | { healthMonitor?: boolean; primaryProbe?: boolean; fencePrimary?: boolean };
  /** Simulated start instant (fixes the phase of the schedules against the clock's minutes; default BENCH_START_AT). */
  startAt?: Date;
  /** Overrides on top of FIXED_TIMINGS. */
  timings?: Partial<Timings>;
}

/**
 * The promotion's duration for run `run` of `runs`: the default plus a share of `spreadSeconds`.
 * A real promotion ends anywhere between two of drctl's polls, and its end falls anywhere in the
 * minute that the gate alarm judges; with one fixed duration every run would sit on the same
 * (arbitrary) phase of both, and the world's compute drift alone would decide between no slack
 * and a whole poll interval or gate minute. Spreading the runs evenly over the poll interval
 * plus the gate's minute samples both phases at once (a single run takes the middle).
 */
export function promotionSecondsForRun(
  run: number,
  runs: number,
  spreadSeconds: number,
  base: number,
): number {
  return Math.round((base + ((run - 0.5) / runs) * spreadSeconds) * 10) / 10;
}

export async function startBenchWorld(options: BenchWorldOptions): Promise<World> {
  return startWorld({
    plan: options.plan,
    scale: options.scale,
    seed: options.seed,
    timings: { ...FIXED_TIMINGS, ...options.timings },
    schedule: options.schedule ?? { primaryProbe: true, healthMonitor: false, fencePrimary: false },
    alarmTrigger: options.alarmTrigger ?? true,
    startAt: options.startAt ?? BENCH_START_AT,
  });
}

/**
 * Waits for the baseline (both detection alarms OK, the probe running), then until
 * `offsetSeconds` past the next minute boundary: the period of every alarm on the path.
 */
export async function warmUpAndAlign(world: World, offsetSeconds: number): Promise<void> {
  const okAlarms = world.detection.alarms.map((alarm) => alarm.name);
  await world.until(
    (events) =>
      world.clock.elapsedSeconds() >= WARM_UP_SECONDS &&
      events.some((e) => e.type === 'schedule.invoked' && e.detail.function === 'primary-probe') &&
      okAlarms.every(
        (name) =>
          events.findLast((e) => e.type === 'alarm.state' && e.detail.alarm === name)?.detail.state === 'OK',
      ),
    { timeoutSeconds: 1_800 },
  );
  const now = world.clock.now();
  const target = Math.ceil(now / 60_000) * 60_000 + offsetSeconds * 1000;
  await world.runFor((target - now) / 1000);
}

/**
 * The phases of AWS's own clocks in this world: the primary probe's schedule (its first
 * invocation in the event log) and the Route 53 checkers' reads of the gate alarm (the instant
 * of their last read). Minute boundaries are the clock's.
 */
export function awsPhases(world: World): AwsPhases {
  const probe = world.events
    .list({ type: 'schedule.invoked' })
    .find((e) => e.detail.function === 'primary-probe' && e.detail.error === undefined);
  if (!probe) throw new Error('the primary probe never ran: the DR-side detection path is off');
  const gateCheck = world.models.healthChecks.alarmChecks.find(
    (check) => check.alarmName === gateAlarmName(world.plan),
  );
  if (gateCheck?.lastCheckedAt === undefined)
    throw new Error(`no Route 53 checker has read the gate alarm ${gateAlarmName(world.plan)} yet`);
  return { probeAt: probe.at, alarmCheckerAt: gateCheck.lastCheckedAt };
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
  detectionAlarm: number | null;
  executionStarted: number | null;
  firstChange: number | null;
  promotionsCompleted: number | null;
  servicesSteady: number | null;
  /** The switch: the first 0 written to the gate metric (PutMetricData in the DR region). */
  switched: number | null;
  gateAlarm: number | null;
  healthCheckUnhealthy: number | null;
  drAnswer: number | null;
  drServing: number | null;
}

export function timelineOf(world: World, origin: number): Timeline {
  const { plan } = world;
  const after = world.events.list({ since: origin });
  const seconds = (at: number | undefined) => (at === undefined ? null : (at - origin) / 1000);
  const first = (test: (e: WorldEvent) => boolean) => after.find(test)?.at;
  const nth = (type: WorldEvent['type'], n: number) => after.filter((e) => e.type === type)[n - 1]?.at;
  const alarmed = (name: string) => (e: WorldEvent) =>
    e.type === 'alarm.state' && e.detail.alarm === name && e.detail.state === 'ALARM';
  const gate = gateMetric(plan);
  const switched = world.models.cloudWatch
    .find(plan.regions.dr, gate.namespace, gate.metricName, gate.dimensions)
    ?.datapoints.find((point) => point.at >= origin && point.min === 0)?.at;
  const drTarget = plan.application.dr.target.replace(/\.$/, '').toLowerCase();
  return {
    detectionAlarm: seconds(first(alarmed(drDetectionAlarmName(plan)))),
    executionStarted: seconds(first((e) => e.type === 'execution.started')),
    firstChange: seconds(first((e) => e.type === 'rds.promotion-started' || e.type === 'ecs.desired-count')),
    promotionsCompleted: seconds(nth('rds.promotion-completed', plan.databases.length)),
    servicesSteady: seconds(nth('ecs.service-steady', plan.services.length)),
    switched: seconds(switched),
    gateAlarm: seconds(first(alarmed(gateAlarmName(plan)))),
    healthCheckUnhealthy: seconds(
      first((e) => e.type === 'healthcheck.unhealthy' && e.detail.role === 'gate'),
    ),
    drAnswer: seconds(
      first(
        (e) =>
          e.type === 'dns.answer-changed' &&
          String(e.detail.to ?? '')
            .replace(/\.$/, '')
            .toLowerCase() === drTarget,
      ),
    ),
    drServing: seconds(first(drServes(origin))),
  };
}
