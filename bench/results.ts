import type { Sample } from './lib/stats.ts';
import type { StartupFigure } from './startup/measure.ts';

/**
 * The one JSON object `npm run bench` prints and writes to bench/results/latest.json. A figure is
 * absent when it was not selected, `{ error }` when measuring it failed, `{ unavailable }` when
 * something it needs does not exist yet.
 */
export interface BenchResults {
  schema: 'drctl-bench/1';
  generatedAt: string;
  command: string;
  durationSeconds: number;
  machine: { node: string; cpus: number; cpuModel: string; platform: string; arch: string };
  figures: {
    orchestrationOverhead?: Outcome<OverheadFigure>;
    detection?: Outcome<DetectionFigure>;
    scale?: Outcome<ScaleFigure>;
    functionStartup?: Outcome<StartupFigure>;
    drill?: Outcome<WallClockFigure>;
    testSuite?: Outcome<WallClockFigure>;
    cost?: Outcome<CostFigure>;
  };
}

export type Outcome<T> = T | { error: string } | { unavailable: string };

export function isMeasured<T extends object>(outcome: Outcome<T> | undefined): outcome is T {
  return outcome !== undefined && !('error' in outcome) && !('unavailable' in outcome);
}

export function whyUnmeasured(outcome: Outcome<object> | undefined): string {
  if (outcome === undefined) return 'not run';
  if ('error' in outcome && typeof outcome.error === 'string') return `error: ${outcome.error}`;
  if ('unavailable' in outcome && typeof outcome.unavailable === 'string')
    return `unavailable: ${outcome.unavailable}`;
  return 'measured';
}

/** Figure 1: one failover in the local world with fixed step timings, all in simulated seconds. */
export interface OverheadFigure {
  /** Simulated seconds per wall second: the world's own compute time is multiplied by it. */
  scale: number;
  /** The world's step timings of a run in the middle of the promotion poll interval. */
  timings: Record<string, number>;
  /** Each run's promotion duration: spread over the poll interval (see promotionSecondsForRun). */
  promotionSecondsPerRun?: number[];
  /**
   * The ideal critical path of the middle of the spread (bench/recovery/ideal.ts): DR-path
   * detection + max(promotion, service ready) + the gate path. Before the gate (dns.strategy gate)
   * the DNS stretch was `dnsInsyncSeconds` (change INSYNC + TTL); old results carry that instead.
   */
  ideal: {
    detectionSeconds: number;
    promotionSeconds: number;
    serviceReadySeconds: number;
    gateAlarmSeconds?: number;
    healthCheckSeconds?: number;
    healthToDnsSeconds?: number;
    ttlSeconds?: number;
    dnsInsyncSeconds?: number;
    criticalPathSeconds: number;
  };
  /** Each run's own ideal (its promotion duration differs). */
  idealPerRunSeconds?: Sample;
  drctl: { rtoSeconds: Sample; detectionSeconds: Sample; steps: Record<string, number> };
  /** Each run's RTO minus its own ideal critical path. */
  overheadPerRunSeconds?: Sample;
  /** Median over the runs of RTO minus the ideal critical path. */
  overheadSeconds: number;
  /**
   * drctl's switch instant minus the ideal one, per run: drctl's own slack before the gate's
   * minute rounds it (a slack of d seconds crosses a minute boundary, and costs 60 s, in d/60 of
   * all phases: on average it costs d).
   */
  switchSlackSeconds?: Sample;
  /** RTO minus the RTO the gate path gives from drctl's actual switch (the world's traffic sampling). */
  afterSwitchSeconds?: Sample;
  /** Median switch slack + median after-switch time: the overhead averaged over the gate's phase. */
  expectedOverheadSeconds?: number;
  /** max(10 s, 3 % of the ideal critical path). */
  allowedOverheadSeconds: number;
  sequential: { scale?: number; rtoSeconds: Sample; steps: Record<string, number> };
  /** drctl RTO / sequential RTO (medians). */
  ratioToSequential: number;
}

/** One detection path measured over several outages (simulated seconds from the outage). */
export interface DetectionPathFigure {
  /** The outage the runs injected, in words. */
  scenario: string;
  /** Outage → the path's alarm in ALARM. */
  alarmSeconds: Sample;
  /** Outage → StartExecution of the first failover (by whichever path fired first). */
  startExecutionSeconds: Sample;
  /** Which path started the first failover, per run. */
  firstPath: string[];
}

/** Figure 2: both detection paths with the plan's default detection settings. */
export interface DetectionFigure {
  settings: Record<string, number>;
  /**
   * us-east-1 up, the primary application down (the fast path's scenario): outage → the first
   * StartExecution, by whichever path got there first (paths.fast.firstPath says which).
   */
  detectionSeconds: Sample;
  /** Each path: the fast path with us-east-1 up, the DR-side path with all of us-east-1 down. */
  paths?: { fast: DetectionPathFigure; dr: DetectionPathFigure };
  flapping: {
    scenario: string;
    simulatedSeconds: number;
    executionsStarted: number;
    /** Times Route 53 declared the primary unhealthy during the flapping. */
    primaryMarkedUnhealthy?: number;
    /** Detection alarms that went to ALARM during the flapping, per alarm. */
    alarms?: Record<string, number>;
  };
}

export interface ScaleRun {
  databases: number;
  services: number;
  rtoSeconds: Sample;
  /** Median seconds of each stretch of the failover. */
  steps?: Record<string, number>;
  throttledRequests: number;
  /** Requests that passed the rate limits (RDS, ECS, Route 53). */
  proxiedRequests?: number;
  /** Steps that failed (after retries) because AWS throttled them. */
  stepsFailedByThrottling: number;
  executionsSucceeded: number;
  /** Why failovers that did not succeed failed. */
  failures?: string[];
  /** The world's scale for this size, and the wall seconds of its runs. */
  scale?: number;
  wallSeconds?: Sample;
  pollSeconds?: Record<string, number>;
}

/** Figure 3: the same failover small and large, with AWS's API rate limits enforced. */
export interface ScaleFigure {
  rateLimitsEnforced: boolean;
  /** What enforced them. */
  rateLimitsEnforcedBy?: string;
  scale?: number;
  rateLimits: { service: string; limit: string; source: string }[];
  small: ScaleRun;
  large: ScaleRun;
  /** 50 databases + 200 services (issue 14), at a scale of at least 20. */
  xlarge?: ScaleRun;
  /** large RTO / small RTO (medians). */
  ratio: number;
  /** xlarge RTO / small RTO (medians); no target. */
  xlargeRatio?: number;
  /** Why the 50 + 200 runs all failed, when they did. */
  xlargeError?: string;
}

/** What one failover or one hour of monitoring used, priced (bench/recovery/cost-count.ts). */
export interface PricedUsageFigure {
  executions: number;
  stateTransitions: number;
  retries: number;
  lambdaInvocations: number;
  lambdaMilliseconds: number;
  lambdaGbSeconds: number;
  byFunction?: Record<string, { invocations: number; milliseconds: number }>;
  usd: { stateTransitions: number; lambdaRequests: number; lambdaDuration: number; total: number };
}

export interface CostOfPlan {
  plan: string;
  databases: number;
  services: number;
  pollSeconds: Record<string, number>;
  /** Every execution the outage started (a skipped duplicate included). */
  failover: PricedUsageFigure;
  monitoringHour: PricedUsageFigure & {
    invocationsByFunction: Record<string, number>;
    /** drctl's AWS calls in the hour (they set the modelled Lambda duration). */
    apiCalls: number;
  };
  monitoringMonthUsd: number;
}

/** Figure 6: cost per run at AWS list prices (no free tier), from world runs' counts. */
export interface CostFigure {
  prices: Record<string, number | string[]>;
  plans: CostOfPlan[];
}

/** Figure 5: a command's wall time from a warm install. */
export interface WallClockFigure {
  command: string;
  wallSeconds: Sample;
  exitCodes: (number | null)[];
  /** Every run exited 0. */
  succeeded: boolean;
  /** For a command that chains others (npm test): each part's wall time, in order. */
  parts?: { command: string; wallSeconds: Sample; exitCodes: (number | null)[] }[];
}
