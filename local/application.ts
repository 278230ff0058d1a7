import type { WorldContext } from './context.ts';
import type { EcsModel } from './ecs/model.ts';
import type { AppRole, Listener } from './endpoints.ts';
import type { Route53Model } from './route53/model.ts';

/**
 * The application in each region: it serves (200) only when its region is up and every plan
 * service there has at least one task that passed its load-balancer health check. A region
 * that is down, or an application that is down by itself, does not answer at all (the
 * connection is reset).
 */
export class Application {
  private readonly context: WorldContext;
  private readonly ecs: EcsModel;
  /** Filled in by the faults: false while the region's application alone is down. */
  endpointUp: (region: string) => boolean = () => true;
  /** When each region last came back from an outage long enough to fail its targets (simulated ms). */
  private readonly recoveredAt = new Map<string, number>();
  private readonly downSince = new Map<string, number>();

  constructor(context: WorldContext, ecs: EcsModel) {
    this.context = context;
    this.ecs = ecs;
  }

  region(role: AppRole): string {
    return this.context.plan.regions[role];
  }

  /** Why the region's application does not serve, or undefined when it serves. */
  problem(role: AppRole): string | undefined {
    const { plan } = this.context;
    const region = this.region(role);
    if (!this.context.isRegionUp(region)) return `region ${region} is down`;
    if (!this.endpointUp(region)) return `the application in ${region} is down`;
    const recovered = this.recoveredAt.get(region);
    const healthyAgainAt =
      recovered === undefined ? undefined : recovered + this.context.timings.targetRecoverySeconds * 1000;
    if (healthyAgainAt !== undefined && this.context.clock.now() < healthyAgainAt) {
      return `the load balancer's targets in ${region} are passing their health checks again after the outage`;
    }
    for (const planService of plan.services) {
      const cluster = role === 'primary' ? planService.primary.cluster : planService.cluster;
      const name = role === 'primary' ? planService.primary.service : planService.service;
      const found = this.ecs.findCluster(region, cluster);
      const service = found ? this.ecs.findService(found, name) : undefined;
      if (!service || this.ecs.healthyTargets(service) === 0)
        return `service ${planService.id} has no healthy targets`;
    }
    return undefined;
  }

  /** What a Route 53 checker sees now: the endpoint's status, or a failed connection. */
  probe(role: AppRole): { ok: boolean; report: string } {
    const problem = this.problem(role);
    if (problem === undefined) return { ok: true, report: 'Success: HTTP Status Code 200, OK' };
    if (!this.answers(role)) {
      return { ok: false, report: 'Failure: Connection failed: the connection was reset' };
    }
    return { ok: false, report: 'Failure: HTTP Status Code 503, Service Unavailable' };
  }

  /**
   * A region went down or came back. A load balancer marks its targets unhealthy only after the
   * unhealthy threshold of failed checks (`targetUnhealthySeconds`), and healthy again only after
   * the healthy threshold of passing ones (`targetRecoverySeconds`) (ELB User Guide, target group
   * health checks): after an outage that long, the application serves that much later, not at once.
   */
  regionChanged(region: string, up: boolean, at: number): void {
    if (!up) {
      this.downSince.set(region, at);
      return;
    }
    const since = this.downSince.get(region);
    this.downSince.delete(region);
    if (since !== undefined && at - since >= this.context.timings.targetUnhealthySeconds * 1000) {
      this.recoveredAt.set(region, at);
    }
  }

  serves(role: AppRole): boolean {
    return this.problem(role) === undefined;
  }

  /** Whether the endpoint accepts connections at all (it may still answer 503). */
  private answers(role: AppRole): boolean {
    const region = this.region(role);
    return this.context.isRegionUp(region) && this.endpointUp(region);
  }

  listener(role: AppRole): Listener {
    return (req, res) => {
      req.resume();
      const problem = this.problem(role);
      if (problem !== undefined && !this.answers(role)) {
        res.socket?.destroy();
        return;
      }
      const status = problem === undefined ? 200 : 503;
      const body = JSON.stringify({
        status: problem === undefined ? 'ok' : 'unavailable',
        role,
        region: this.region(role),
        ...(problem ? { problem } : {}),
      });
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      });
      res.end(body);
    };
  }
}

/**
 * Which region the record's traffic reaches, sampled every `trafficProbeSeconds`: the record's
 * value as a resolver's client sees it (in sync, old TTL expired) mapped to the region whose
 * target it names, and whether that region serves.
 */
export function watchTraffic(
  context: WorldContext,
  route53: Route53Model,
  application: Application,
): () => void {
  const { plan, events, scheduler, timings } = context;
  let last: string | undefined;
  // Stamped when it runs (not when it was due): it reports the state it sees.
  const sample = () => {
    const at = context.clock.now();
    const target = route53.resolve(at)?.replace(/\.$/, '').toLowerCase();
    const role: AppRole | undefined =
      target === plan.application.primary.target.toLowerCase()
        ? 'primary'
        : target === plan.application.dr.target.toLowerCase()
          ? 'dr'
          : undefined;
    const serving = role !== undefined && application.serves(role);
    const state = `${role ?? 'none'}|${serving}`;
    if (state === last) return;
    last = state;
    events.record(
      'traffic.served',
      at,
      role === undefined
        ? `the record ${plan.dns.record} resolves to ${target ?? 'nothing'}: no region serves`
        : `traffic for ${plan.dns.record} goes to ${role} (${plan.regions[role]}), which ${serving ? 'serves' : 'does not serve'}`,
      { role: role ?? null, region: role ? plan.regions[role] : null, serving, target: target ?? null },
      role ? plan.regions[role] : undefined,
    );
  };
  sample();
  return scheduler.every(timings.trafficProbeSeconds * 1000, sample);
}
