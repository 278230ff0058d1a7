import { ROUTE53_CONTROL_PLANE_REGION } from '../plan/names.ts';
import type { WorldContext } from './context.ts';
import type { EcsModel, Service } from './ecs/model.ts';
import { AwsError, ConnectionRefused } from './protocol/errors.ts';
import type { RequestContext, ServiceName } from './protocol/server.ts';
import type { RdsModel } from './rds/model.ts';

/**
 * Faults the tests and the CLI inject. The outage model follows AWS's fault isolation
 * boundaries (docs/local-world.md, "Outages"):
 * - a region outage refuses connections for every regional API of the region (RDS, ECS, SNS,
 *   CloudWatch, Step Functions), stops its application endpoint, its CloudWatch (no metric
 *   ingested, no alarm evaluated) and its EventBridge (nothing delivered from there);
 * - us-east-1 also hosts the Route 53 control plane: its outage refuses every Route 53 API call,
 *   while the Route 53 data plane (DNS answers, health checkers) keeps working;
 * - a Route 53 control-plane outage alone is a separate, partial fault.
 */
export interface Faults {
  /**
   * The region is down (see above). Default: the primary region; with `durationSeconds`, it
   * recovers by itself after that simulated time.
   */
  regionOutage(region?: string, options?: { durationSeconds?: number }): void;
  /** The region comes back (its data as it was when it went down). */
  regionRecovers(region?: string): void;
  /**
   * Every Route 53 API operation fails as an unreachable endpoint would (connection refused),
   * while DNS answers and health checks go on. With `durationSeconds`, it recovers by itself.
   */
  route53ControlPlaneOutage(options?: { durationSeconds?: number }): void;
  /** The Route 53 API answers again (unless us-east-1 itself is still down). */
  route53ControlPlaneRecovers(): void;
  /**
   * Only the application in the region stops answering (connections reset); its AWS APIs,
   * CloudWatch and EventBridge keep working. Default: the primary region.
   */
  applicationOutage(region?: string, options?: { durationSeconds?: number }): void;
  applicationRecovers(region?: string): void;
  /**
   * EventBridge delivers at least once: the next `count` alarm events are delivered twice.
   */
  duplicateAlarmEvents(count?: number): void;
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
  /** Regions whose application alone is down. */
  readonly downApplications: ReadonlySet<string>;
  /** False while us-east-1 is down or the Route 53 control-plane fault is on. */
  readonly route53ControlPlaneUp: boolean;
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

const THROTTLING: Record<ServiceName, [code: string, status: number]> = {
  rds: ['Throttling', 400],
  sns: ['Throttled', 429],
  ecs: ['ThrottlingException', 400],
  route53: ['Throttling', 400],
  cloudwatch: ['Throttling', 400],
  sfn: ['ThrottlingException', 400],
  ssm: ['ThrottlingException', 400],
  lambda: ['TooManyRequestsException', 429],
  s3: ['SlowDown', 503],
  secretsmanager: ['ThrottlingException', 400],
  sts: ['Throttling', 400],
};

const SERVER_ERROR: Record<ServiceName, [code: string, status: number]> = {
  rds: ['InternalFailure', 500],
  sns: ['InternalError', 500],
  ecs: ['ServerException', 500],
  route53: ['ServiceUnavailable', 503],
  cloudwatch: ['InternalServiceError', 500],
  sfn: ['ServiceUnavailable', 503],
  ssm: ['InternalServerError', 500],
  lambda: ['ServiceException', 500],
  s3: ['InternalError', 500],
  secretsmanager: ['InternalServiceError', 500],
  sts: ['InternalFailure', 500],
};

export const DEFAULT_START_FAILURE =
  'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 111111111111.dkr.ecr.local.amazonaws.com/app:latest: not found';

export interface FaultHooks {
  onRegionChange(region: string, up: boolean, at: number): void;
}

/** What the rest of the world asks the faults. */
export interface FaultState {
  faults: Faults;
  /** Every AWS API call passes here first: outages, throttling, 5xx, latency. */
  gate: (request: RequestContext) => Promise<void>;
  isRegionUp: (region: string) => boolean;
  /** The region is up and its application is not down by itself. */
  isApplicationUp: (region: string) => boolean;
  isRoute53ControlPlaneUp: () => boolean;
  /** EventBridge in the region delivers events (and runs its schedules). */
  isEventBridgeUp: (region: string) => boolean;
  nextDnsRejection: () => string | undefined;
  /** True when the next alarm event is to be delivered twice (and counts it). */
  nextAlarmEventDuplicated: () => boolean;
}

export function createFaults(
  context: WorldContext,
  models: { rds: RdsModel; ecs: EcsModel },
  hooks: FaultHooks,
): FaultState {
  const down = new Set<string>();
  const appDown = new Set<string>();
  let controlPlaneFault = false;
  let duplicates = 0;
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

  const controlPlaneUp = () => !controlPlaneFault && !down.has(ROUTE53_CONTROL_PLANE_REGION);
  /** Records a control-plane transition when `change` flips it. */
  const watchingControlPlane = (at: number, cause: string, change: () => void) => {
    const before = controlPlaneUp();
    change();
    const after = controlPlaneUp();
    if (before && !after) {
      events.record(
        'route53.control-plane-outage',
        at,
        `the Route 53 control plane (API, ${ROUTE53_CONTROL_PLANE_REGION}) is down: ${cause}; DNS answers and health checks go on`,
        { cause },
        ROUTE53_CONTROL_PLANE_REGION,
      );
    } else if (!before && after) {
      events.record(
        'route53.control-plane-recovered',
        at,
        'the Route 53 control plane answers again',
        { cause },
        ROUTE53_CONTROL_PLANE_REGION,
      );
    }
  };
  const recover = (region: string, at: number) => {
    if (!down.has(region)) return;
    watchingControlPlane(at, `region ${region} recovered`, () => down.delete(region));
    events.record('region.recovered', at, `region ${region} is back`, { region }, region);
    hooks.onRegionChange(region, true, at);
  };
  const recoverControlPlane = (at: number) => {
    if (!controlPlaneFault) return;
    watchingControlPlane(at, 'control-plane fault cleared', () => {
      controlPlaneFault = false;
    });
    events.record('fault.cleared', at, 'the Route 53 control-plane fault is cleared', {
      kind: 'route53-control-plane-outage',
    });
  };
  const recoverApplication = (region: string, at: number) => {
    if (!appDown.delete(region)) return;
    events.record(
      'application.recovered',
      at,
      `the application in ${region} answers again`,
      { region },
      region,
    );
  };

  const faults: Faults = {
    get downRegions() {
      return down;
    },
    get downApplications() {
      return appDown;
    },
    get route53ControlPlaneUp() {
      return controlPlaneUp();
    },
    regionOutage(region = plan.regions.primary, options = {}) {
      if (down.has(region)) return;
      if (options.durationSeconds !== undefined) {
        context.scheduler.after(options.durationSeconds * 1000, (at) => recover(region, at));
      }
      const at = clock.now();
      injected('region-outage', `region ${region} outage injected`, { region });
      events.record(
        'region.outage',
        at,
        `region ${region} is down: its APIs, application, CloudWatch and EventBridge${region === ROUTE53_CONTROL_PLANE_REGION ? ', and the Route 53 control plane' : ''}`,
        { region },
        region,
      );
      watchingControlPlane(at, `region ${region} outage`, () => down.add(region));
      hooks.onRegionChange(region, false, at);
    },
    regionRecovers(region = plan.regions.primary) {
      recover(region, clock.now());
    },
    route53ControlPlaneOutage(options = {}) {
      if (controlPlaneFault) return;
      if (options.durationSeconds !== undefined) {
        context.scheduler.after(options.durationSeconds * 1000, (at) => recoverControlPlane(at));
      }
      const at = clock.now();
      injected('route53-control-plane-outage', 'Route 53 control-plane outage injected', {
        ...(options.durationSeconds === undefined ? {} : { durationSeconds: options.durationSeconds }),
      });
      watchingControlPlane(at, 'control-plane fault', () => {
        controlPlaneFault = true;
      });
    },
    route53ControlPlaneRecovers() {
      recoverControlPlane(clock.now());
    },
    applicationOutage(region = plan.regions.primary, options = {}) {
      if (appDown.has(region)) return;
      if (options.durationSeconds !== undefined) {
        context.scheduler.after(options.durationSeconds * 1000, (at) => recoverApplication(region, at));
      }
      appDown.add(region);
      const at = clock.now();
      injected('application-outage', `the application in ${region} stops answering`, { region });
      events.record(
        'application.outage',
        at,
        `the application in ${region} is down (the region's AWS services are up)`,
        { region },
        region,
      );
    },
    applicationRecovers(region = plan.regions.primary) {
      recoverApplication(region, clock.now());
    },
    duplicateAlarmEvents(count = 1) {
      duplicates = count;
      injected('duplicate-alarm-events', `the next ${count} alarm event(s) are delivered twice`, { count });
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
    // Route 53's API has one endpoint (us-east-1) whatever region the caller signs for; every
    // other service modelled here is regional.
    if (request.service === 'route53') {
      if (!controlPlaneUp()) throw new ConnectionRefused(ROUTE53_CONTROL_PLANE_REGION);
    } else if (down.has(request.region)) {
      throw new ConnectionRefused(request.region);
    }
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

  const nextAlarmEventDuplicated = (): boolean => {
    if (duplicates <= 0) return false;
    duplicates--;
    return true;
  };

  return {
    faults,
    gate,
    isRegionUp,
    isApplicationUp: (region) => isRegionUp(region) && !appDown.has(region),
    isRoute53ControlPlaneUp: controlPlaneUp,
    isEventBridgeUp: isRegionUp,
    nextDnsRejection,
    nextAlarmEventDuplicated,
  };
}
