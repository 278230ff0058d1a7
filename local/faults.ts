import type { WorldContext } from './context.ts';
import type { EcsModel, Service } from './ecs/model.ts';
import { AwsError, ConnectionRefused } from './protocol/errors.ts';
import type { RequestContext, ServiceName } from './protocol/server.ts';
import type { RdsModel } from './rds/model.ts';

/**
 * Faults the tests and the CLI inject. A region outage takes down the region's application
 * services (RDS, ECS and SNS APIs refuse connections; its app endpoint stops answering);
 * Route 53 (global) and CloudWatch keep answering, so that detection can see the outage.
 */
export interface Faults {
  /**
   * The region's APIs refuse connections and its application endpoint stops. Default: the
   * primary region; with `durationSeconds`, it recovers by itself after that simulated time.
   */
  regionOutage(region?: string, options?: { durationSeconds?: number }): void;
  /** The region comes back (its data as it was when it went down). */
  regionRecovers(region?: string): void;
  /**
   * A share (0..1) of the service's calls fail with its throttling error; `count` stops after
   * that many failed calls; `region` limits it to one region. A rate of 0 clears it.
   */
  throttle(service: ServiceName, rate: number, options?: RateFaultOptions): void;
  /** A share (0..1) of the service's calls fail with a 5xx error (same options). 0 clears it. */
  serverErrors(service: ServiceName, rate: number, options?: RateFaultOptions): void;
  /** Every call to the service takes this many more simulated milliseconds. 0 clears it. */
  latency(service: ServiceName, simulatedMs: number): void;
  /** New ECS tasks (of one plan service, or all DR services) stop before they run, with this reason. */
  tasksFailToStart(options?: { serviceId?: string; reason?: string }): void;
  tasksStartNormally(): void;
  /** Replication lag jumps to `lagSeconds` for `durationSeconds` (all databases, or one). */
  replicaLagSpike(lagSeconds: number, durationSeconds: number, databaseId?: string): void;
  /** The next `count` Route 53 change batches are rejected with InvalidChangeBatch. */
  rejectDnsChanges(count?: number, message?: string): void;
  /** The DB instance is backing-up for `seconds`: PromoteReadReplica fails with InvalidDBInstanceState. */
  databaseBackingUp(identifier: string, seconds: number): void;
  /**
   * Promotions (of one plan database, or all) end in `status` instead of available: a status
   * waiting will not change, such as incompatible-parameters or storage-full.
   */
  promotionsFail(options?: { databaseId?: string; status?: string }): void;
  /** Regions currently down. */
  readonly downRegions: ReadonlySet<string>;
}

export interface RateFaultOptions {
  region?: string;
  /** Stop after this many failed calls. */
  count?: number;
}

interface RateFault {
  rate: number;
  remaining: number;
}

const OUTAGE_SERVICES = new Set<ServiceName>(['rds', 'ecs', 'sns']);

const THROTTLING: Record<ServiceName, [code: string, status: number]> = {
  rds: ['Throttling', 400],
  sns: ['Throttled', 429],
  ecs: ['ThrottlingException', 400],
  route53: ['Throttling', 400],
  cloudwatch: ['Throttling', 400],
  sfn: ['ThrottlingException', 400],
  lambda: ['TooManyRequestsException', 429],
};

const SERVER_ERROR: Record<ServiceName, [code: string, status: number]> = {
  rds: ['InternalFailure', 500],
  sns: ['InternalError', 500],
  ecs: ['ServerException', 500],
  route53: ['ServiceUnavailable', 503],
  cloudwatch: ['InternalServiceError', 500],
  sfn: ['ServiceUnavailable', 503],
  lambda: ['ServiceException', 500],
};

export const DEFAULT_START_FAILURE =
  'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 111111111111.dkr.ecr.local.amazonaws.com/app:latest: not found';

export interface FaultHooks {
  onRegionChange(region: string, up: boolean, at: number): void;
}

export function createFaults(
  context: WorldContext,
  models: { rds: RdsModel; ecs: EcsModel },
  hooks: FaultHooks,
): {
  faults: Faults;
  gate: (request: RequestContext) => Promise<void>;
  isRegionUp: (region: string) => boolean;
  nextDnsRejection: () => string | undefined;
} {
  const down = new Set<string>();
  const throttles = new Map<string, RateFault>();
  const serverErrors = new Map<string, RateFault>();
  const latencies = new Map<ServiceName, number>();
  let startFailure: { serviceId?: string; reason: string } | undefined;
  let dnsRejections: { remaining: number; message: string } | undefined;
  const { events, clock, plan, random } = context;
  const key = (service: ServiceName, region?: string) => `${service}|${region ?? '*'}`;
  /** Decides whether this call fails with the fault, and counts it. */
  const strikes = (faultsByKey: Map<string, RateFault>, request: RequestContext): boolean => {
    const fault =
      faultsByKey.get(key(request.service, request.region)) ?? faultsByKey.get(key(request.service));
    if (!fault || fault.remaining <= 0 || !random.chance(fault.rate)) return false;
    fault.remaining--;
    return true;
  };
  const setRateFault = (
    faultsByKey: Map<string, RateFault>,
    service: ServiceName,
    rate: number,
    options: RateFaultOptions,
  ) => {
    if (rate <= 0) faultsByKey.delete(key(service, options.region));
    else
      faultsByKey.set(key(service, options.region), {
        rate: Math.min(1, rate),
        remaining: options.count ?? Number.POSITIVE_INFINITY,
      });
  };
  const describeRate = (rate: number, options: RateFaultOptions) =>
    `${Math.round(rate * 100)}% of calls${options.count === undefined ? '' : ` (at most ${options.count})`}${options.region ? ` in ${options.region}` : ''}`;
  const injected = (kind: string, message: string, detail: Record<string, unknown> = {}) =>
    events.record('fault.injected', clock.now(), message, { kind, ...detail });

  let promotionFailure: { databaseId?: string; status: string } | undefined;
  models.rds.promotionFailure = (instance) =>
    promotionFailure &&
    (promotionFailure.databaseId === undefined || promotionFailure.databaseId === instance.databaseId)
      ? promotionFailure.status
      : undefined;

  models.ecs.startFailure = (service: Service) => {
    if (!startFailure) return undefined;
    const planService = plan.services.find(
      (s) =>
        s.service === service.name &&
        s.cluster === service.cluster.name &&
        service.region === plan.regions.dr,
    );
    if (!planService) return undefined;
    if (startFailure.serviceId !== undefined && planService.id !== startFailure.serviceId) return undefined;
    return startFailure.reason;
  };

  const recover = (region: string, at: number) => {
    if (!down.delete(region)) return;
    events.record('region.recovered', at, `region ${region} is back`, { region }, region);
    hooks.onRegionChange(region, true, at);
  };

  const faults: Faults = {
    get downRegions() {
      return down;
    },
    regionOutage(region = plan.regions.primary, options = {}) {
      if (down.has(region)) return;
      if (options.durationSeconds !== undefined) {
        context.scheduler.after(options.durationSeconds * 1000, (at) => recover(region, at));
      }
      down.add(region);
      const at = clock.now();
      injected('region-outage', `region ${region} outage injected`, { region });
      events.record('region.outage', at, `region ${region} is down`, { region }, region);
      hooks.onRegionChange(region, false, at);
    },
    regionRecovers(region = plan.regions.primary) {
      recover(region, clock.now());
    },
    throttle(service, rate, options = {}) {
      setRateFault(throttles, service, rate, options);
      injected('throttle', `${service} throttles ${describeRate(rate, options)}`, {
        service,
        rate,
        ...options,
      });
    },
    serverErrors(service, rate, options = {}) {
      setRateFault(serverErrors, service, rate, options);
      injected('server-errors', `${service} fails ${describeRate(rate, options)} with 5xx`, {
        service,
        rate,
        ...options,
      });
    },
    latency(service, simulatedMs) {
      if (simulatedMs <= 0) latencies.delete(service);
      else latencies.set(service, simulatedMs);
      injected('latency', `${service} calls take ${simulatedMs} ms more`, { service, simulatedMs });
    },
    tasksFailToStart(options = {}) {
      startFailure = {
        reason: options.reason ?? DEFAULT_START_FAILURE,
        ...(options.serviceId === undefined ? {} : { serviceId: options.serviceId }),
      };
      injected(
        'tasks-fail-to-start',
        `ECS tasks${options.serviceId ? ` of ${options.serviceId}` : ''} fail to start`,
        { ...startFailure },
      );
    },
    tasksStartNormally() {
      startFailure = undefined;
      events.record('fault.cleared', clock.now(), 'ECS tasks start normally', {
        kind: 'tasks-fail-to-start',
      });
    },
    replicaLagSpike(lagSeconds, durationSeconds, databaseId) {
      models.rds.lagSpike(lagSeconds, durationSeconds, databaseId);
      injected(
        'replica-lag-spike',
        `replica lag ${lagSeconds} s for ${durationSeconds} s${databaseId ? ` on ${databaseId}` : ''}`,
        { lagSeconds, durationSeconds, databaseId },
      );
    },
    rejectDnsChanges(count = 1, message = 'RRSet change rejected by the local world (injected fault)') {
      dnsRejections = { remaining: count, message };
      injected('reject-dns-change', `the next ${count} Route 53 change batch(es) will be rejected`, {
        count,
        message,
      });
    },
    promotionsFail(options = {}) {
      promotionFailure = {
        status: options.status ?? 'incompatible-parameters',
        ...(options.databaseId === undefined ? {} : { databaseId: options.databaseId }),
      };
      injected(
        'promotions-fail',
        `promotions${options.databaseId ? ` of ${options.databaseId}` : ''} end ${promotionFailure.status}`,
        {
          ...promotionFailure,
        },
      );
    },
    databaseBackingUp(identifier, seconds) {
      models.rds.backingUp(identifier, seconds);
      injected('db-backing-up', `${identifier} is backing-up for ${seconds} s`, { identifier, seconds });
    },
  };

  const isRegionUp = (region: string) => !down.has(region);

  const gate = async (request: RequestContext) => {
    const extra = latencies.get(request.service);
    if (extra) await clock.reach(clock.now() + extra);
    if (down.has(request.region) && OUTAGE_SERVICES.has(request.service))
      throw new ConnectionRefused(request.region);
    if (strikes(throttles, request)) {
      const [code, status] = THROTTLING[request.service];
      throw new AwsError(code, 'Rate exceeded', status);
    }
    if (strikes(serverErrors, request)) {
      const [code, status] = SERVER_ERROR[request.service];
      throw new AwsError(code, 'We encountered an internal error. Please try again.', status, false);
    }
  };

  const nextDnsRejection = (): string | undefined => {
    if (!dnsRejections || dnsRejections.remaining <= 0) return undefined;
    dnsRejections.remaining--;
    return dnsRejections.message;
  };

  return { faults, gate, isRegionUp, nextDnsRejection };
}
