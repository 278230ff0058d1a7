import type { World } from '../../local/index.ts';
import { detectionAlarms } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { progress } from '../lib/log.ts';
import { summarize } from '../lib/stats.ts';
import type { DetectionFigure, DetectionPathFigure } from '../results.ts';
import { referencePlan } from './overhead.ts';
import { startBenchWorld, warmUpAndAlign } from './world-run.ts';

/** Detection has no orchestration compute to distort, so it runs faster than figures 1 and 3. */
const DETECTION_SCALE = 200;
/**
 * The worlds start at a fixed instant, 37 s into a minute: the primary probe then runs at :37 of
 * every minute and the Route 53 checks at :07, :17, …, :57, and the outages (1, 16, 31 and 46 s
 * into a minute) fall at least 6 s from a probe, and no run's third failed check lands on a
 * minute boundary. (Started at :30, the 31 s run sat on both edges: 1 s after a probe, its
 * unhealthy verdict on the boundary; the world's compute on a loaded machine decided between
 * two answers 60 s apart.)
 */
const START_AT = new Date('2030-01-01T00:00:37Z');
/**
 * Down 20 s of every 45 s: at most two failed 10-second Route 53 checks in a row (threshold 3),
 * and never three failed probe minutes in a row (the 45-second period moves the once-a-minute
 * probe's phase by 15 s a minute). A flap in step with the probe (period 60 s) would look like a
 * steady outage to any once-a-minute probe, in AWS as here.
 */
const FLAP = { downSeconds: 20, periodSeconds: 45, totalSeconds: 630 };
/** After the last flap, time for a late alarm (one more period and delivery) to show. */
const FLAP_SETTLE_SECONDS = 240;
const RUN_LIMIT_SECONDS = 900;

interface RunResult {
  /** Outage → ALARM per alarm name (null: it did not fire). */
  alarms: Record<string, number | null>;
  startExecution: number | null;
  firstPath: string;
}

/**
 * Figure 2, both detection paths with the plan's defaults:
 * - fast path: the primary application alone goes down, us-east-1 (its CloudWatch and
 *   EventBridge) stays up; the Route 53 health check, the M-of-N alarm in us-east-1 and the
 *   forward to the DR bus detect it (the DR-side path fires later);
 * - DR path: all of us-east-1 goes down (the reference primary), its CloudWatch with it: only the
 *   primary probe in the DR region and its alarm there can detect it;
 * - a flapping primary starts no failover.
 */
export async function measureDetection(options: { runs: number }): Promise<DetectionFigure> {
  const plan = referencePlan();
  const fast = await measurePath(plan, options.runs, 'application');
  const dr = await measurePath(plan, options.runs, 'region');
  const flapping = await measureFlapping(plan);
  const { healthCheck, alarm, probe } = plan.detection;
  return {
    settings: {
      healthCheckIntervalSeconds: healthCheck.intervalSeconds,
      healthCheckFailureThreshold: healthCheck.failureThreshold,
      alarmPeriodSeconds: alarm.periodSeconds,
      alarmEvaluationPeriods: alarm.evaluationPeriods,
      alarmDatapointsToAlarm: alarm.datapointsToAlarm,
      probeScheduleMinutes: probe.scheduleMinutes,
      probeFailedMinutes: probe.failedMinutes,
      scale: DETECTION_SCALE,
    },
    detectionSeconds: fast.startExecutionSeconds,
    paths: { fast, dr },
    flapping,
  };
}

async function measurePath(
  plan: Plan,
  runs: number,
  outage: 'application' | 'region',
): Promise<DetectionPathFigure> {
  const period = plan.detection.alarm.periodSeconds;
  const [fastAlarm, drAlarm] = detectionAlarms(plan);
  const watched = outage === 'application' ? fastAlarm : drAlarm;
  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    // Real outages fall anywhere in the alarm's period: spread the runs over it.
    const offset = 1 + ((run - 1) * period) / runs;
    progress(
      `detection (${outage} outage): run ${run} of ${runs}, ${offset.toFixed(0)} s into the alarm period`,
    );
    results.push(await detectOnce(plan, run, offset, outage));
  }
  const seconds = (values: (number | null)[], what: string) => {
    const measured = values.filter((v): v is number => v !== null);
    if (measured.length !== values.length)
      throw new Error(`${what}: ${values.length - measured.length} run(s) never detected`);
    return summarize(measured);
  };
  return {
    scenario:
      outage === 'application'
        ? `the primary application down, ${plan.regions.primary} up (fast path ${watched?.name})`
        : `all of ${plan.regions.primary} down, its CloudWatch and the Route 53 control plane with it (DR path ${watched?.name})`,
    alarmSeconds: seconds(
      results.map((r) => r.alarms[watched?.name ?? ''] ?? null),
      `alarm ${watched?.name}`,
    ),
    startExecutionSeconds: seconds(
      results.map((r) => r.startExecution),
      'StartExecution',
    ),
    firstPath: results.map((r) => r.firstPath),
  };
}

async function detectOnce(
  plan: Plan,
  seed: number,
  offset: number,
  outage: 'application' | 'region',
): Promise<RunResult> {
  const alarms = detectionAlarms(plan);
  const world = await startBenchWorld({
    plan,
    scale: DETECTION_SCALE,
    seed,
    schedule: true,
    startAt: START_AT,
  });
  try {
    await warmUpAndAlign(world, offset);
    const origin = world.clock.now();
    // Only what starts the failover is measured: a started failover is stopped at once.
    const unsubscribe = stopEachFailover(world);
    if (outage === 'application') world.faults.applicationOutage();
    else world.faults.regionOutage();
    // The fast-path run waits for both paths; the DR-path run for the DR alarm (us-east-1's is frozen).
    const awaited = outage === 'application' ? alarms : alarms.filter((a) => a.path === 'dr-probe');
    await world.until(
      (events) =>
        awaited.every((a) =>
          events.some(
            (e) =>
              e.at >= origin &&
              e.type === 'alarm.state' &&
              e.detail.alarm === a.name &&
              e.detail.state === 'ALARM',
          ),
        ) && events.some((e) => e.at >= origin && e.type === 'execution.started'),
      { timeoutSeconds: RUN_LIMIT_SECONDS },
    );
    unsubscribe();
    const events = world.events.list({ since: origin });
    const seconds = (at: number | undefined) =>
      at === undefined ? null : Math.round((at - origin) / 100) / 10;
    const first = events.find((e) => e.type === 'failover.triggered');
    return {
      alarms: Object.fromEntries(
        alarms.map((a) => [
          a.name,
          seconds(
            events.find(
              (e) => e.type === 'alarm.state' && e.detail.alarm === a.name && e.detail.state === 'ALARM',
            )?.at,
          ),
        ]),
      ),
      startExecution: seconds(events.find((e) => e.type === 'execution.started')?.at),
      firstPath: String(first?.detail.path ?? 'none'),
    };
  } finally {
    await world.close();
  }
}

async function measureFlapping(plan: Plan): Promise<DetectionFigure['flapping']> {
  progress(
    `detection: flapping primary application, down ${FLAP.downSeconds} s of every ${FLAP.periodSeconds} s for ${FLAP.totalSeconds} s`,
  );
  const world = await startBenchWorld({
    plan,
    scale: DETECTION_SCALE,
    seed: 1,
    schedule: true,
    startAt: START_AT,
  });
  try {
    await warmUpAndAlign(world, 1);
    const origin = world.clock.now();
    const unsubscribe = stopEachFailover(world);
    for (let elapsed = 0; elapsed < FLAP.totalSeconds; elapsed += FLAP.periodSeconds) {
      world.faults.applicationOutage(undefined, { durationSeconds: FLAP.downSeconds });
      await world.runFor(FLAP.periodSeconds);
    }
    await world.runFor(FLAP_SETTLE_SECONDS);
    unsubscribe();
    const events = world.events.list({ since: origin });
    return {
      scenario: `primary application down ${FLAP.downSeconds} s of every ${FLAP.periodSeconds} s for ${FLAP.totalSeconds} s (${plan.regions.primary} up: both paths watch)`,
      simulatedSeconds: FLAP.totalSeconds + FLAP_SETTLE_SECONDS,
      executionsStarted: events.filter((e) => e.type === 'execution.started').length,
      primaryMarkedUnhealthy: events.filter(
        (e) => e.type === 'healthcheck.unhealthy' && e.detail.role === 'primary',
      ).length,
      alarms: Object.fromEntries(
        detectionAlarms(plan).map((a) => [
          a.name,
          events.filter(
            (e) => e.type === 'alarm.state' && e.detail.alarm === a.name && e.detail.state === 'ALARM',
          ).length,
        ]),
      ),
    };
  } finally {
    await world.close();
  }
}

/** Stops every failover as soon as it starts (detection is measured, not the failover). */
function stopEachFailover(world: World): () => void {
  return world.events.subscribe((event) => {
    if (event.type !== 'execution.started') return;
    queueMicrotask(() => {
      for (const execution of world.stepFunctions.list()) {
        if (execution.status === 'RUNNING')
          world.stepFunctions.stop(execution.arn, 'BenchDone', 'detection measured');
      }
    });
  });
}
