import {
  type BenchResults,
  isMeasured,
  type Outcome,
  type OverheadFigure,
  whyUnmeasured,
} from './results.ts';

/**
 * The issue's targets, judged from a results object. Ratios, sizes and simulated seconds are
 * judged always; wall-clock seconds depend on the machine and are judged only when asked.
 */
export const TARGETS = {
  overheadFloorSeconds: 10,
  overheadShareOfIdeal: 0.03,
  /**
   * The fast path's old target (a median), set when its alarm was 1 of 1. With the plan's M-of-N
   * alarm (2 of 3 one-minute periods) the fast path is judged on its bound instead:
   * fastDetectionBoundSeconds. Kept for results that carry no settings.
   */
  detectionMaxSeconds: 90,
  /** EventBridge hops on the fast path (us-east-1 bus → DR bus → target), 1 s each in the world. */
  fastPathDeliverySeconds: 2,
  /** Issue 9: detection on the DR-side path within 4 simulated minutes (every run). */
  drDetectionMaxSeconds: 240,
  flappingMaxExecutions: 0,
  scaleMaxRatio: 1.1,
  bundleMaxKB: 500,
  importMaxRatioToHelloWorld: 2,
  drillMaxWallSeconds: 20,
} as const;

export type VerdictStatus = 'met' | 'missed' | 'unmeasured' | 'info';

export interface Verdict {
  figure: string;
  target: string;
  measured: string;
  status: VerdictStatus;
}

export interface CheckOptions {
  /** Judge absolute wall-clock targets too (on the reference 2-core machine). */
  wallClock: boolean;
}

export function allowedOverheadSeconds(idealSeconds: number): number {
  return (
    Math.round(Math.max(TARGETS.overheadFloorSeconds, TARGETS.overheadShareOfIdeal * idealSeconds) * 10) / 10
  );
}

/**
 * The slowest the fast path may be with the plan's settings, outage → StartExecution: Route 53
 * declares the endpoint unhealthy within `failureThreshold × interval` (the first failed check
 * comes within one interval), the alarm sees that datapoint when its period ends and needs
 * `datapointsToAlarm` breaching periods (≤ datapointsToAlarm × period), then two EventBridge hops.
 * Undefined when the results carry no settings (older results).
 */
export function fastDetectionBoundSeconds(settings: Record<string, number>): number | undefined {
  const {
    healthCheckIntervalSeconds,
    healthCheckFailureThreshold,
    alarmPeriodSeconds,
    alarmDatapointsToAlarm,
  } = settings;
  if (
    healthCheckIntervalSeconds === undefined ||
    healthCheckFailureThreshold === undefined ||
    alarmPeriodSeconds === undefined ||
    alarmDatapointsToAlarm === undefined
  )
    return undefined;
  return (
    healthCheckFailureThreshold * healthCheckIntervalSeconds +
    alarmDatapointsToAlarm * alarmPeriodSeconds +
    TARGETS.fastPathDeliverySeconds
  );
}

/**
 * What figure 1 is judged on: the expected overhead when the figure has it (drctl's slack before
 * the switch plus the world's time after it; see OverheadFigure.expectedOverheadSeconds), else
 * the median of RTO − ideal. With the gate, one run's RTO − ideal is either its slack rounded
 * away by the gate alarm's minute or a whole minute more, so a median of three runs is 0 or 60 s
 * by the luck of the phases; the expected value is what a failover costs on average.
 */
export function judgedOverheadSeconds(figure: OverheadFigure): number {
  return figure.expectedOverheadSeconds ?? figure.overheadSeconds;
}

const judge = (ok: boolean): VerdictStatus => (ok ? 'met' : 'missed');

function unmeasured(figure: string, target: string, outcome: Outcome<object> | undefined): Verdict {
  return { figure, target, measured: whyUnmeasured(outcome), status: 'unmeasured' };
}

export function evaluateTargets(results: BenchResults, options: CheckOptions): Verdict[] {
  return [
    ...overheadVerdicts(results),
    ...detectionVerdicts(results),
    ...scaleVerdicts(results),
    ...startupVerdicts(results),
    ...wallClockVerdicts(results, options),
    ...costVerdicts(results),
  ];
}

/** Figure 6 has no target (each plan's failover and monitoring month, for the record), but an error is a miss like any figure's. */
function costVerdicts({ figures }: BenchResults): Verdict[] {
  const outcome = figures.cost;
  if (outcome === undefined) return [];
  const figure = '6 cost per run';
  const target = 'list-price cost (no target)';
  if (!isMeasured(outcome)) return [unmeasured(figure, target, outcome)];
  return outcome.plans.map((plan) => ({
    figure,
    target: `${plan.plan}: ${target}`,
    measured: `failover $${plan.failover.usd.total} (${plan.failover.stateTransitions} transitions, ${plan.failover.lambdaInvocations} invocations); monitoring $${plan.monitoringMonthUsd} a month`,
    status: 'info',
  }));
}

function overheadVerdicts({ figures }: BenchResults): Verdict[] {
  const figure = '1 orchestration overhead';
  const target = `RTO - ideal ≤ max(${TARGETS.overheadFloorSeconds} s, ${TARGETS.overheadShareOfIdeal * 100} % of ideal)`;
  const outcome = figures.orchestrationOverhead;
  if (!isMeasured(outcome)) return [unmeasured(figure, target, outcome)];
  const allowed = allowedOverheadSeconds(outcome.ideal.criticalPathSeconds);
  const judged = judgedOverheadSeconds(outcome);
  const measured =
    outcome.expectedOverheadSeconds === undefined
      ? `${outcome.overheadSeconds} s over an ideal of ${outcome.ideal.criticalPathSeconds} s (allowed ${allowed} s)`
      : `${judged} s expected (switch slack ${outcome.switchSlackSeconds?.median} s + after the switch ${outcome.afterSwitchSeconds?.median} s; median RTO − ideal ${outcome.overheadSeconds} s) over an ideal of ${outcome.ideal.criticalPathSeconds} s (allowed ${allowed} s)`;
  return [
    { figure, target, measured, status: judge(judged <= allowed) },
    {
      figure,
      target: 'drctl / sequential runbook (no target)',
      measured: `${outcome.ratioToSequential}`,
      status: 'info',
    },
  ];
}

function detectionVerdicts({ figures }: BenchResults): Verdict[] {
  const figure = '2 detection';
  const outcome = figures.detection;
  const bound = isMeasured(outcome) ? fastDetectionBoundSeconds(outcome.settings) : undefined;
  const timeTarget =
    bound === undefined
      ? `outage → StartExecution ≤ ${TARGETS.detectionMaxSeconds} simulated s (fast path, us-east-1 up; median)`
      : `outage → StartExecution ≤ ${bound} simulated s (fast path, us-east-1 up; every run: threshold × interval + datapoints × period + ${TARGETS.fastPathDeliverySeconds} s)`;
  const drTarget = `us-east-1 outage → DR-path alarm ≤ ${TARGETS.drDetectionMaxSeconds} simulated s (every run)`;
  const flapTarget = 'no execution while the primary flaps';
  if (!isMeasured(outcome))
    return [
      unmeasured(figure, timeTarget, outcome),
      unmeasured(figure, drTarget, outcome),
      unmeasured(figure, flapTarget, outcome),
    ];
  const dr = outcome.paths?.dr.alarmSeconds;
  return [
    bound === undefined
      ? {
          figure,
          target: timeTarget,
          measured: `${outcome.detectionSeconds.median} s (median of ${outcome.detectionSeconds.runs})`,
          status: judge(outcome.detectionSeconds.median <= TARGETS.detectionMaxSeconds),
        }
      : {
          figure,
          target: timeTarget,
          measured: `${outcome.detectionSeconds.max} s at most (median ${outcome.detectionSeconds.median} s of ${outcome.detectionSeconds.runs})`,
          status: judge(outcome.detectionSeconds.max <= bound),
        },
    dr === undefined
      ? { figure, target: drTarget, measured: 'not measured (no DR-path runs)', status: 'unmeasured' }
      : {
          figure,
          target: drTarget,
          measured: `${dr.max} s at most (median ${dr.median} s of ${dr.runs})`,
          status: judge(dr.max <= TARGETS.drDetectionMaxSeconds),
        },
    {
      figure,
      target: flapTarget,
      measured: `${outcome.flapping.executionsStarted} execution(s)`,
      status: judge(outcome.flapping.executionsStarted <= TARGETS.flappingMaxExecutions),
    },
  ];
}

function scaleVerdicts({ figures }: BenchResults): Verdict[] {
  const figure = '3 scale';
  const ratioTarget = `RTO(10+50) ≤ ${TARGETS.scaleMaxRatio} × RTO(1+1), AWS rate limits enforced`;
  const throttleTarget = 'no step fails from throttling';
  const outcome = figures.scale;
  if (!isMeasured(outcome))
    return [unmeasured(figure, ratioTarget, outcome), unmeasured(figure, throttleTarget, outcome)];
  // The target is about 1 + 1 and 10 + 50; the 50 + 200 outcome is reported beside it.
  const failedSteps = outcome.small.stepsFailedByThrottling + outcome.large.stepsFailedByThrottling;
  const ratioVerdict: Verdict = {
    figure,
    target: ratioTarget,
    measured: `${outcome.ratio} (${outcome.large.rtoSeconds.median} s / ${outcome.small.rtoSeconds.median} s)`,
    // Without the limits the large run is not the scenario the target describes.
    status: outcome.rateLimitsEnforced ? judge(outcome.ratio <= TARGETS.scaleMaxRatio) : 'unmeasured',
  };
  if (!outcome.rateLimitsEnforced) ratioVerdict.measured += '; the world did not enforce rate limits';
  return [
    ratioVerdict,
    {
      figure,
      target: throttleTarget,
      measured: `${failedSteps} step(s) failed; ${outcome.large.throttledRequests} request(s) throttled in the 10 + 50 run${
        outcome.xlarge
          ? `; 50 + 200 (no target): RTO ${outcome.xlarge.rtoSeconds.median} s (${outcome.xlargeRatio} × 1 + 1), ${outcome.xlarge.throttledRequests} request(s) throttled, ${outcome.xlarge.stepsFailedByThrottling} step(s) failed`
          : outcome.xlargeError
            ? `; 50 + 200 (no target): ${outcome.xlargeError}`
            : ''
      }`,
      status: judge(failedSteps === 0),
    },
  ];
}

function startupVerdicts({ figures }: BenchResults): Verdict[] {
  const figure = '4 function start-up';
  const sizeTarget = `bundle ≤ ${TARGETS.bundleMaxKB} KB`;
  const importTarget = `fresh-process import ≤ ${TARGETS.importMaxRatioToHelloWorld} × hello world`;
  const outcome = figures.functionStartup;
  if (!isMeasured(outcome))
    return [unmeasured(figure, sizeTarget, outcome), unmeasured(figure, importTarget, outcome)];
  return Object.entries(outcome.functions).flatMap(([name, bundle]): Verdict[] => {
    if ('error' in bundle) {
      return [
        {
          figure,
          target: `${name}: ${sizeTarget}`,
          measured: `error: ${bundle.error}`,
          status: 'unmeasured',
        },
        {
          figure,
          target: `${name}: ${importTarget}`,
          measured: `error: ${bundle.error}`,
          status: 'unmeasured',
        },
      ];
    }
    return [
      {
        figure,
        target: `${name}: ${sizeTarget}`,
        measured: `${bundle.sizeKB} KB`,
        status: judge(bundle.sizeKB <= TARGETS.bundleMaxKB),
      },
      {
        figure,
        target: `${name}: ${importTarget}`,
        measured: `${bundle.ratioToHelloWorld} × (${bundle.processMs.median} ms vs ${outcome.helloWorld.processMs.median} ms)${bundle.cpuRatioToHelloWorld === undefined ? '' : `; CPU time ${bundle.cpuRatioToHelloWorld} ×`}`,
        status: judge(bundle.ratioToHelloWorld <= TARGETS.importMaxRatioToHelloWorld),
      },
    ];
  });
}

function wallClockVerdicts({ figures }: BenchResults, options: CheckOptions): Verdict[] {
  const drillTarget = `npm run drill ≤ ${TARGETS.drillMaxWallSeconds} s (2 cores)`;
  const verdicts: Verdict[] = [];
  const drill = figures.drill;
  if (!isMeasured(drill)) {
    verdicts.push(unmeasured('5 drill', drillTarget, drill));
  } else {
    const fast = drill.wallSeconds.median <= TARGETS.drillMaxWallSeconds;
    verdicts.push({
      figure: '5 drill',
      target: drillTarget,
      measured: `${drill.wallSeconds.median} s${drill.succeeded ? '' : ' (a run exited non-zero)'}`,
      // A failing drill is a miss on any machine; its speed is judged only where the target was set.
      status: !drill.succeeded ? 'missed' : options.wallClock ? judge(fast) : 'info',
    });
  }
  const tests = figures.testSuite;
  verdicts.push(
    isMeasured(tests)
      ? {
          figure: '5 npm test',
          target: 'wall time (no target)',
          measured: `${tests.wallSeconds.median} s${tests.succeeded ? '' : ' (a run exited non-zero)'}`,
          status: 'info',
        }
      : {
          figure: '5 npm test',
          target: 'wall time (no target)',
          measured: whyUnmeasured(tests),
          status: 'info',
        },
  );
  return verdicts;
}

/** bench:check fails when a target is missed or could not be judged: unmeasured is not met. */
export function checkPassed(verdicts: readonly Verdict[]): boolean {
  return verdicts.every((verdict) => verdict.status === 'met' || verdict.status === 'info');
}
