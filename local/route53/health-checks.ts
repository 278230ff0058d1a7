import { createHash } from 'node:crypto';
import type { WorldContext } from '../context.ts';

/**
 * Route 53 health checks, one per application endpoint (primary and DR), probing every
 * `intervalSeconds`; `failureThreshold` consecutive failures make it unhealthy, as many
 * successes make it healthy again. Each check publishes HealthCheckStatus (1 healthy,
 * 0 unhealthy) to CloudWatch AWS/Route53 in us-east-1.
 * A probe reads what the endpoint would answer at the probe's simulated instant (the same
 * function the loopback endpoint serves): an HTTP round trip would land late in simulated time
 * on a busy machine and make detection depend on CPU load.
 */
export interface HealthCheck {
  id: string;
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

export type Probe = (role: 'primary' | 'dr') => { ok: boolean; report: string };

export function healthCheckId(planName: string, role: string): string {
  const hex = createHash('sha256').update(`${planName}/${role}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export class HealthChecks {
  readonly checks: HealthCheck[];
  private readonly context: WorldContext;
  onStatus: (check: HealthCheck, value: number, at: number) => void = () => {};

  constructor(context: WorldContext, urls: { primary: string; dr: string }, probe: Probe) {
    this.context = context;
    const { plan } = context;
    const { intervalSeconds, failureThreshold } = plan.detection.healthCheck;
    this.checks = (['primary', 'dr'] as const).map((role) => ({
      id: healthCheckId(plan.name, role),
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

  private observe(check: HealthCheck, ok: boolean, report: string, at: number): void {
    check.lastCheckedAt = at;
    check.lastReport = report;
    const { events } = this.context;
    if (ok) {
      check.consecutiveSuccesses++;
      check.consecutiveFailures = 0;
      if (!check.healthy && check.consecutiveSuccesses >= check.failureThreshold) {
        check.healthy = true;
        events.record(
          'healthcheck.healthy',
          at,
          `health check ${check.role} (${check.region}) is healthy`,
          { id: check.id, role: check.role },
          check.region,
        );
      }
    } else {
      check.failedProbes++;
      check.consecutiveFailures++;
      check.consecutiveSuccesses = 0;
      if (check.healthy && check.consecutiveFailures >= check.failureThreshold) {
        check.healthy = false;
        events.record(
          'healthcheck.unhealthy',
          at,
          `health check ${check.role} (${check.region}) is unhealthy: ${report}`,
          { id: check.id, role: check.role, report },
          check.region,
        );
      }
    }
    this.onStatus(check, check.healthy ? 1 : 0, at);
  }
}
