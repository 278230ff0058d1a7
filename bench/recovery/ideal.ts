import type { Timings } from '../../local/index.ts';
import type { Plan } from '../../plan/schema.ts';

/**
 * The fastest failover the configured AWS behaviour allows, in simulated seconds: nothing
 * waits that does not have to. Figure 1's overhead is the measured RTO minus this.
 */
export interface IdealPath {
  detectionSeconds: number;
  promotionSeconds: number;
  serviceReadySeconds: number;
  /** Route 53 change INSYNC plus the record's TTL: clients keep the old answer that long. */
  dnsInsyncSeconds: number;
  criticalPathSeconds: number;
}

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

/**
 * Detection on the alarm path: Route 53 declares the endpoint unhealthy after `failureThreshold`
 * failed checks one interval apart; CloudWatch can only see that datapoint when its alarm period
 * (aligned to the clock) ends, and needs `datapointsToAlarm` breaching periods; EventBridge then
 * delivers the state change. `outageAtSeconds` is the outage instant on the simulated clock.
 */
export function idealDetectionSeconds(plan: Plan, timings: Timings, outageAtSeconds: number): number {
  const { healthCheck, alarm } = plan.detection;
  const unhealthyAt = outageAtSeconds + healthCheck.intervalSeconds * healthCheck.failureThreshold;
  const firstPeriodEnd = Math.ceil(unhealthyAt / alarm.periodSeconds) * alarm.periodSeconds;
  const alarmAt = firstPeriodEnd + (alarm.datapointsToAlarm - 1) * alarm.periodSeconds;
  // The outage instant carries the clock's milliseconds; a tenth of a second is what the log resolves.
  return Math.round((alarmAt - outageAtSeconds + timings.eventDeliverySeconds) * 10) / 10;
}

export function idealPath(plan: Plan, timings: Timings, outageAtSeconds: number): IdealPath {
  const detectionSeconds = idealDetectionSeconds(plan, timings, outageAtSeconds);
  const promotionSeconds = timings.promotionSeconds;
  const serviceReadySeconds =
    timings.taskProvisioningSeconds +
    timings.taskPendingSeconds[1] +
    timings.containerHealthySeconds +
    timings.targetHealthySeconds;
  const dnsInsyncSeconds = timings.dnsInsyncSeconds[1] + plan.dns.ttl;
  return {
    detectionSeconds,
    promotionSeconds,
    serviceReadySeconds,
    dnsInsyncSeconds,
    criticalPathSeconds:
      detectionSeconds + Math.max(promotionSeconds, serviceReadySeconds) + dnsInsyncSeconds,
  };
}
