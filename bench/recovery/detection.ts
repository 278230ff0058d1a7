import { progress } from '../lib/log.ts';
import { summarize } from '../lib/stats.ts';
import type { DetectionFigure } from '../results.ts';
import { referencePlan } from './overhead.ts';
import { startBenchWorld, warmUpAndAlign } from './world-run.ts';

/** Detection has no orchestration compute to distort, so it runs faster than figures 1 and 3. */
const DETECTION_SCALE = 200;
const FLAP = { downSeconds: 20, periodSeconds: 60, totalSeconds: 600 };
/** After the last flap, time for a late alarm (one more period and delivery) to show. */
const FLAP_SETTLE_SECONDS = 180;

export async function measureDetection(options: { runs: number }): Promise<DetectionFigure> {
  const plan = referencePlan();
  const period = plan.detection.alarm.periodSeconds;
  const detections: number[] = [];
  for (let run = 1; run <= options.runs; run++) {
    // Real outages fall anywhere in the alarm's period: spread the runs over it.
    const offset = 1 + ((run - 1) * period) / options.runs;
    progress(`detection: outage ${run} of ${options.runs}, ${offset.toFixed(0)} s into the alarm period`);
    const world = await startBenchWorld({ plan, scale: DETECTION_SCALE, seed: run });
    try {
      await warmUpAndAlign(world, offset);
      const origin = world.clock.now();
      world.faults.regionOutage();
      await world.until((events) => events.some((e) => e.type === 'execution.started' && e.at >= origin), {
        timeoutSeconds: 900,
      });
      const started = world.events.list({ type: 'execution.started', since: origin })[0];
      if (started) detections.push((started.at - origin) / 1000);
    } finally {
      await world.close();
    }
  }

  progress(
    `detection: flapping primary, down ${FLAP.downSeconds} s of every ${FLAP.periodSeconds} s for ${FLAP.totalSeconds} s`,
  );
  const world = await startBenchWorld({ plan, scale: DETECTION_SCALE, seed: 1 });
  let executionsStarted: number;
  let unhealthyVerdicts: number;
  try {
    await warmUpAndAlign(world, 1);
    const origin = world.clock.now();
    for (let elapsed = 0; elapsed < FLAP.totalSeconds; elapsed += FLAP.periodSeconds) {
      world.faults.regionOutage();
      await world.runFor(FLAP.downSeconds);
      world.faults.regionRecovers();
      await world.runFor(FLAP.periodSeconds - FLAP.downSeconds);
    }
    await world.runFor(FLAP_SETTLE_SECONDS);
    executionsStarted = world.events.list({ type: 'execution.started', since: origin }).length;
    unhealthyVerdicts = world.events
      .list({ type: 'healthcheck.unhealthy', since: origin })
      .filter((e) => e.region === plan.regions.primary).length;
  } finally {
    await world.close();
  }

  return {
    settings: {
      healthCheckIntervalSeconds: plan.detection.healthCheck.intervalSeconds,
      healthCheckFailureThreshold: plan.detection.healthCheck.failureThreshold,
      alarmPeriodSeconds: plan.detection.alarm.periodSeconds,
      alarmEvaluationPeriods: plan.detection.alarm.evaluationPeriods,
      alarmDatapointsToAlarm: plan.detection.alarm.datapointsToAlarm,
      scale: DETECTION_SCALE,
    },
    detectionSeconds: summarize(detections),
    flapping: {
      scenario: `primary down ${FLAP.downSeconds} s of every ${FLAP.periodSeconds} s for ${FLAP.totalSeconds} s`,
      simulatedSeconds: FLAP.totalSeconds + FLAP_SETTLE_SECONDS,
      executionsStarted,
      primaryMarkedUnhealthy: unhealthyVerdicts,
    },
  };
}
