import { createHash } from 'node:crypto';
import type { AlarmState } from '../cloudwatch/model.ts';
import type { WorldContext } from '../context.ts';

/**
 * Route 53 health checks, part of Route 53's data plane: they keep evaluating whatever happens to
 * the control plane (the API) in us-east-1.
 * - Endpoint checks, one per application endpoint (primary and DR), probe every
 *   `intervalSeconds`; `failureThreshold` consecutive failures make one unhealthy, as many
 *   successes make it healthy again.
 * - CLOUDWATCH_METRIC checks watch a CloudWatch alarm in a given region (the traffic gate): OK is
 *   healthy, ALARM unhealthy, and insufficient data (INSUFFICIENT_DATA, or the alarm's region
 *   cannot be read) is what InsufficientDataHealthStatus says; LastKnownStatus keeps the status,
 *   and a new check with no history is healthy (Route 53 API, HealthCheckConfig).
 * Every check publishes HealthCheckStatus (1 healthy, 0 unhealthy) to CloudWatch AWS/Route53 in
 * us-east-1 (lost while us-east-1 is down: its CloudWatch ingests nothing).
 * A probe reads what the endpoint would answer at the probe's simulated instant (the same
 * function the loopback endpoint serves): an HTTP round trip would land late in simulated time
 * on a busy machine and make detection depend on CPU load.
 */
export interface HealthCheck {
  kind: 'endpoint';
  id: string;
  /** The Name tag the CDK app gives it. */
  name: string;
  role: 'primary' | 'dr';
  region: string;
  url: string;
  intervalSeconds: number;
  failureThreshold: number;
  healthy: boolean;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  lastCheckedAt: number | undefined;
  lastReport: string;
  /** Probes that failed since the world started. */
  failedProbes: number;
}

export type InsufficientDataHealthStatus = 'Healthy' | 'Unhealthy' | 'LastKnownStatus';

export interface AlarmHealthCheck {
  kind: 'alarm';
  id: string;
  name: string;
  /** What the check is for: the gate of the public record, or the drill name's gate. */
  role: 'gate' | 'drill-gate';
  alarmRegion: string;
  alarmName: string;
  insufficientDataHealthStatus: InsufficientDataHealthStatus;
  healthy: boolean;
  /** The alarm state the checkers last read, or undefined when they could not read one. */
  alarmState: AlarmState | undefined;
  lastCheckedAt: number | undefined;
  lastReport: string;
}

export type AnyHealthCheck = HealthCheck | AlarmHealthCheck;

export type Probe = (role: 'primary' | 'dr') => { ok: boolean; report: string };

/** The state of an alarm as Route 53 reads it, or undefined when it cannot be read. */
export type AlarmReader = (region: string, name: string) => AlarmState | undefined;

export function healthCheckId(planName: string, role: string): string {
  const hex = createHash('sha256').update(`${planName}/${role}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export class HealthChecks {
  /** The endpoint checks. */
  readonly checks: HealthCheck[];
  /** The CLOUDWATCH_METRIC checks. */
  readonly alarmChecks: AlarmHealthCheck[] = [];
  private readonly context: WorldContext;
  /** Every status the checkers report (the HealthCheckStatus metric). */
  onStatus: (check: AnyHealthCheck, value: number, at: number) => void = () => {};
  /** A check turned healthy or unhealthy (DNS answers follow it). */
  onHealthChange: (check: AnyHealthCheck, healthy: boolean, at: number) => void = () => {};

  constructor(context: WorldContext, urls: { primary: string; dr: string }, probe: Probe) {
    this.context = context;
    const { plan } = context;
    const { intervalSeconds, failureThreshold } = plan.detection.healthCheck;
    this.checks = (['primary', 'dr'] as const).map((role) => ({
      kind: 'endpoint',
      id: healthCheckId(plan.name, role),
      name: `${plan.name}-${role}`,
      role,
      region: plan.regions[role],
      url: urls[role],
      intervalSeconds,
      failureThreshold,
      healthy: true,
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      lastCheckedAt: undefined,
      lastReport: 'Success: HTTP Status Code 200, OK',
      failedProbes: 0,
    }));
    for (const check of this.checks) {
      context.scheduler.every(intervalSeconds * 1000, (at) => {
        const result = probe(check.role);
        this.observe(check, result.ok, result.report, at);
      });
    }
  }

  all(): AnyHealthCheck[] {
    return [...this.checks, ...this.alarmChecks];
  }

  find(id: string): AnyHealthCheck | undefined {
    return this.all().find((check) => check.id === id);
  }

  /**
   * Creates a CLOUDWATCH_METRIC health check on the alarm `alarmName` in `alarmRegion`, read every
   * `timings.alarmHealthCheckSeconds`. It starts healthy (no history).
   */
  addAlarmCheck(
    definition: {
      id: string;
      name: string;
      role: 'gate' | 'drill-gate';
      alarmRegion: string;
      alarmName: string;
      insufficientDataHealthStatus: InsufficientDataHealthStatus;
    },
    readAlarm: AlarmReader,
  ): AlarmHealthCheck {
    const check: AlarmHealthCheck = {
      kind: 'alarm',
      ...definition,
      healthy: true,
      alarmState: undefined,
      lastCheckedAt: undefined,
      lastReport: 'Insufficient data: no alarm state read yet',
    };
    this.alarmChecks.push(check);
    this.context.scheduler.every(this.context.timings.alarmHealthCheckSeconds * 1000, (at) =>
      this.readAlarmState(check, readAlarm(check.alarmRegion, check.alarmName), at),
    );
    return check;
  }

  /** Publishes `seconds` of HealthCheckStatus history at the checks' interval, from their current state. */
  backfill(seconds: number, healthyNow: (check: HealthCheck) => boolean): void {
    const now = this.context.clock.now();
    for (const check of this.checks) {
      check.healthy = healthyNow(check);
      const interval = check.intervalSeconds * 1000;
      for (let at = now - Math.floor((seconds * 1000) / interval) * interval; at < now; at += interval) {
        this.onStatus(check, check.healthy ? 1 : 0, at);
      }
    }
  }

  private readAlarmState(check: AlarmHealthCheck, state: AlarmState | undefined, at: number): void {
    check.lastCheckedAt = at;
    check.alarmState = state;
    const sufficient = state === 'OK' || state === 'ALARM';
    let healthy: boolean;
    if (sufficient) {
      healthy = state === 'OK';
      check.lastReport = `${healthy ? 'Success' : 'Failure'}: CloudWatch alarm ${check.alarmName} (${check.alarmRegion}) is ${state}`;
    } else {
      healthy =
        check.insufficientDataHealthStatus === 'Healthy'
          ? true
          : check.insufficientDataHealthStatus === 'Unhealthy'
            ? false
            : check.healthy;
      check.lastReport = `Insufficient data: CloudWatch alarm ${check.alarmName} (${check.alarmRegion}) is ${state ?? 'unreadable'}; InsufficientDataHealthStatus ${check.insufficientDataHealthStatus}`;
    }
    this.setHealth(check, healthy, check.lastReport, at, check.alarmRegion);
    this.onStatus(check, check.healthy ? 1 : 0, at);
  }

  private observe(check: HealthCheck, ok: boolean, report: string, at: number): void {
    check.lastCheckedAt = at;
    check.lastReport = report;
    if (ok) {
      check.consecutiveSuccesses++;
      check.consecutiveFailures = 0;
      if (!check.healthy && check.consecutiveSuccesses >= check.failureThreshold) {
        this.setHealth(check, true, report, at, check.region);
      }
    } else {
      check.failedProbes++;
      check.consecutiveFailures++;
      check.consecutiveSuccesses = 0;
      if (check.healthy && check.consecutiveFailures >= check.failureThreshold) {
        this.setHealth(check, false, report, at, check.region);
      }
    }
    this.onStatus(check, check.healthy ? 1 : 0, at);
  }

  private setHealth(
    check: AnyHealthCheck,
    healthy: boolean,
    report: string,
    at: number,
    region: string,
  ): void {
    if (check.healthy === healthy) return;
    check.healthy = healthy;
    const where =
      check.kind === 'endpoint' ? check.region : `alarm ${check.alarmName} in ${check.alarmRegion}`;
    this.context.events.record(
      healthy ? 'healthcheck.healthy' : 'healthcheck.unhealthy',
      at,
      healthy
        ? `health check ${check.role} (${where}) is healthy`
        : `health check ${check.role} (${where}) is unhealthy: ${report}`,
      { id: check.id, role: check.role, ...(healthy ? {} : { report }) },
      region,
    );
    this.onHealthChange(check, healthy, at);
  }
}
