import type { Timings } from '../../local/index.ts';
import { GATE_ALARM_PERIOD_SECONDS } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * The fastest failover the configured AWS behaviour allows for an outage of the whole primary
 * region (us-east-1, Route 53's control plane and health-check alarms with it), in simulated
 * seconds: nothing waits that does not have to. Figure 1's overhead is the measured RTO minus
 * this. Every stage after the outage:
 * - detection on the DR-side path: the first probe at or after the outage fails, and so do the
 *   next `failedMinutes - 1`; the alarm judges a minute once it has ended, so it fires at the
 *   minute boundary after the last failed probe's minute; EventBridge delivers it (one hop);
 * - the slower of the promotion and a DR service becoming ready, both started at StartExecution;
 * - the gate: PutMetricData 0 at that instant lands in its minute, which the gate alarm judges
 *   at the next minute boundary; the Route 53 checkers read the alarm on their own grid; the
 *   answers follow the health check; clients keep the old answer for the TTL.
 */
export interface IdealPath {
  /** Outage → StartExecution. */
  detectionSeconds: number;
  promotionSeconds: number;
  serviceReadySeconds: number;
  /** Switch (PutMetricData 0) → the gate alarm's minute boundary. */
  gateAlarmSeconds: number;
  /** Gate alarm in ALARM → the next read of the Route 53 checkers. */
  healthCheckSeconds: number;
  /** Health check unhealthy → Route 53 answers the DR target. */
  healthToDnsSeconds: number;
  /** DR answer → every client's cached answer has expired. */
  ttlSeconds: number;
  criticalPathSeconds: number;
}

/**
 * Where AWS's own clocks stand, read from the world (never from drctl's timings): any instant
 * on each grid, in simulated ms since the epoch. Minute boundaries are the clock's own.
 */
export interface AwsPhases {
  /** An invocation of the primary-probe schedule (the first one in the event log). */
  probeAt: number;
  /** A read of the gate alarm by the Route 53 checkers of its CLOUDWATCH_METRIC health check. */
  alarmCheckerAt: number;
}

/** The instants of the ideal path, in simulated ms since the epoch. */
export interface IdealInstants {
  outage: number;
  lastFailedProbe: number;
  detectionAlarm: number;
  executionStarted: number;
  switched: number;
  gateAlarm: number;
  healthCheckUnhealthy: number;
  drAnswer: number;
  drServed: number;
}

const MINUTE_MS = 60_000;

/** The step timings must be fixed (no ranges) for an ideal to exist. */
export function assertFixedTimings(timings: Timings): void {
  for (const [name, value] of Object.entries(timings)) {
    if (Array.isArray(value) && value[0] !== value[1]) {
      throw new RangeError(
        `timing ${name} is a range (${value.join('-')}); the overhead figure needs fixed timings`,
      );
    }
  }
}

/** The first instant at or after `at` on the grid through `phase` with `intervalMs` between ticks. */
export function nextTick(at: number, phase: number, intervalMs: number): number {
  return phase + Math.ceil((at - phase) / intervalMs) * intervalMs;
}

/** The end of the period (aligned to the clock) that holds `at`: when an alarm judges a datapoint stamped `at`. */
export function periodEnd(at: number, periodMs: number): number {
  return Math.floor(at / periodMs) * periodMs + periodMs;
}

/**
 * Detection on the DR-side path, as instants. Each probe's datapoint is stamped when it starts
 * and lands in that minute; with one probe a minute, `failedMinutes` failed probes fill as many
 * consecutive minutes, and the alarm (Maximum < 1, N of N one-minute periods) fires when the last
 * of them is judged. With probes further apart than a minute the N datapoints are still N probes
 * (missing data is skipped, not counted), so the same instants hold.
 */
export function idealDetection(
  plan: Plan,
  timings: Timings,
  outageAt: number,
  phases: AwsPhases,
): Pick<IdealInstants, 'lastFailedProbe' | 'detectionAlarm' | 'executionStarted'> {
  const { probe } = plan.detection;
  const probeInterval = probe.scheduleMinutes * MINUTE_MS;
  const firstFailedProbe = nextTick(outageAt, phases.probeAt, probeInterval);
  const lastFailedProbe = firstFailedProbe + (probe.failedMinutes - 1) * probeInterval;
  const detectionAlarm = periodEnd(lastFailedProbe, MINUTE_MS);
  // The DR-path alarm lives in the DR region: one EventBridge hop to the state machine.
  return {
    lastFailedProbe,
    detectionAlarm,
    executionStarted: detectionAlarm + timings.eventDeliverySeconds * 1000,
  };
}

/** The DR service's tasks from UpdateService to the first passing load-balancer check. */
export function serviceReadySeconds(timings: Timings): number {
  return (
    timings.taskProvisioningSeconds +
    timings.taskPendingSeconds[1] +
    timings.containerHealthySeconds +
    timings.targetHealthySeconds
  );
}

/**
 * The gate path from a switch (PutMetricData 0 in the DR region) at `switchedAt`: the gate alarm
 * judges the switch's minute at its end (1 of 1, standard resolution), the checkers see ALARM at
 * their next read (a read at that very instant counts: the fastest case), the answers follow
 * `healthToDnsSeconds` later, and clients hold the previous answer for the TTL.
 */
export function idealGatePath(
  plan: Plan,
  timings: Timings,
  switchedAt: number,
  phases: Pick<AwsPhases, 'alarmCheckerAt'>,
): Pick<IdealInstants, 'gateAlarm' | 'healthCheckUnhealthy' | 'drAnswer' | 'drServed'> {
  const gateAlarm = periodEnd(switchedAt, GATE_ALARM_PERIOD_SECONDS * 1000);
  const healthCheckUnhealthy = nextTick(
    gateAlarm,
    phases.alarmCheckerAt,
    timings.alarmHealthCheckSeconds * 1000,
  );
  const drAnswer = healthCheckUnhealthy + timings.healthToDnsSeconds * 1000;
  return { gateAlarm, healthCheckUnhealthy, drAnswer, drServed: drAnswer + plan.dns.ttl * 1000 };
}

export function idealInstants(
  plan: Plan,
  timings: Timings,
  outageAt: number,
  phases: AwsPhases,
): IdealInstants {
  const detection = idealDetection(plan, timings, outageAt, phases);
  const recovery = Math.round(Math.max(timings.promotionSeconds, serviceReadySeconds(timings)) * 1000);
  const switched = detection.executionStarted + recovery;
  return {
    outage: outageAt,
    ...detection,
    switched,
    ...idealGatePath(plan, timings, switched, phases),
  };
}

/** `outageAt` and the phases in simulated ms since the epoch; the result in seconds (0.1 s). */
export function idealPath(plan: Plan, timings: Timings, outageAt: number, phases: AwsPhases): IdealPath {
  const at = idealInstants(plan, timings, outageAt, phases);
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  return {
    detectionSeconds: seconds(at.executionStarted - at.outage),
    promotionSeconds: timings.promotionSeconds,
    serviceReadySeconds: serviceReadySeconds(timings),
    gateAlarmSeconds: seconds(at.gateAlarm - at.switched),
    healthCheckSeconds: seconds(at.healthCheckUnhealthy - at.gateAlarm),
    healthToDnsSeconds: timings.healthToDnsSeconds,
    ttlSeconds: plan.dns.ttl,
    criticalPathSeconds: seconds(at.drServed - at.outage),
  };
}
