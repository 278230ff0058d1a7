import { describe, expect, it } from 'vitest';
import { summarize } from '../../../bench/lib/stats.ts';
import type { BenchResults, OverheadFigure, ScaleRun } from '../../../bench/results.ts';
import type { BundleStartup } from '../../../bench/startup/measure.ts';
import {
  allowedOverheadSeconds,
  checkPassed,
  evaluateTargets,
  fastDetectionBoundSeconds,
} from '../../../bench/targets.ts';

function results(figures: BenchResults['figures']): BenchResults {
  return {
    schema: 'drctl-bench/1',
    generatedAt: '2026-11-22T12:00:00.000Z',
    command: 'npx tsx bench/run.ts',
    durationSeconds: 1,
    machine: { node: 'v24.21.0', cpus: 2, cpuModel: 'test', platform: 'linux', arch: 'x64' },
    figures,
  };
}

function bundle(sizeKB: number, processMs: number): BundleStartup {
  return {
    sizeKB,
    gzipKB: sizeKB / 4,
    processMs: summarize([processMs]),
    importMs: summarize([processMs - 40]),
    ratioToHelloWorld: processMs / 50,
    largestInputs: [],
  };
}

function startup(functions: Record<string, BundleStartup>) {
  return {
    node: 'v24.21.0',
    runsPerBundle: 1,
    helloWorld: {
      sizeKB: 0.2,
      gzipKB: 0.2,
      processMs: summarize([50]),
      importMs: summarize([5]),
      largestInputs: [],
    },
    functions,
  };
}

function overhead(rtoSeconds: number, idealSeconds: number): OverheadFigure {
  return {
    scale: 50,
    timings: {},
    ideal: {
      detectionSeconds: 60,
      promotionSeconds: idealSeconds - 120,
      serviceReadySeconds: 60,
      dnsInsyncSeconds: 60,
      criticalPathSeconds: idealSeconds,
    },
    drctl: { rtoSeconds: summarize([rtoSeconds]), detectionSeconds: summarize([60]), steps: {} },
    overheadSeconds: rtoSeconds - idealSeconds,
    allowedOverheadSeconds: allowedOverheadSeconds(idealSeconds),
    sequential: { rtoSeconds: summarize([rtoSeconds * 1.5]), steps: {} },
    ratioToSequential: 0.67,
  };
}

function scaleRun(rtoSeconds: number, stepsFailedByThrottling = 0): ScaleRun {
  return {
    databases: 1,
    services: 1,
    rtoSeconds: summarize([rtoSeconds]),
    throttledRequests: 0,
    stepsFailedByThrottling,
    executionsSucceeded: 1,
  };
}

const statusOf = (verdicts: ReturnType<typeof evaluateTargets>, figure: string) =>
  verdicts.filter((verdict) => verdict.figure === figure).map((verdict) => verdict.status);

describe('bench:check targets', () => {
  it('allows 10 s of overhead on a short failover and 3 % on a long one', () => {
    // Prepare
    const shortIdeal = 200;
    const longIdeal = 1000;

    // Act
    const allowances = [allowedOverheadSeconds(shortIdeal), allowedOverheadSeconds(longIdeal)];

    // Assess
    expect(allowances).toEqual([10, 30]);
  });

  it('misses the overhead target only when RTO exceeds the ideal path by more than the allowance', () => {
    // Prepare
    const within = results({ orchestrationOverhead: overhead(210, 200) });
    const beyond = results({ orchestrationOverhead: overhead(211, 200) });

    // Act
    const [withinStatus, beyondStatus] = [within, beyond].map((r) =>
      statusOf(evaluateTargets(r, { wallClock: false }), '1 orchestration overhead'),
    );

    // Assess
    expect(withinStatus).toEqual(['met', 'info']);
    expect(beyondStatus).toEqual(['missed', 'info']);
  });

  it('judges a gate-path overhead on its expected value (switch slack + after the switch), not on the median of runs', () => {
    // Prepare: RTO − ideal is 0.9 s because the gate's minute hid 16.5 s of slack; 60 s when it did not
    const gate = (expected: number): OverheadFigure => ({
      ...overhead(600.9, 600),
      switchSlackSeconds: summarize([expected - 1]),
      afterSwitchSeconds: summarize([1]),
      expectedOverheadSeconds: expected,
    });

    // Act
    const [hidden, within] = [gate(20), gate(17.4)].map((figure) =>
      statusOf(
        evaluateTargets(results({ orchestrationOverhead: figure }), { wallClock: false }),
        '1 orchestration overhead',
      ),
    );

    // Assess: the allowance of a 600 s ideal is 18 s
    expect(hidden).toEqual(['missed', 'info']);
    expect(within).toEqual(['met', 'info']);
  });

  it('bounds the fast path by its M-of-N settings and judges every run against the bound', () => {
    // Prepare: the plan defaults, 10 s checks × 3, 2 of 3 one-minute periods
    const settings = {
      healthCheckIntervalSeconds: 10,
      healthCheckFailureThreshold: 3,
      alarmPeriodSeconds: 60,
      alarmDatapointsToAlarm: 2,
    };
    const detection = (runs: number[]) =>
      results({
        detection: {
          settings,
          detectionSeconds: summarize(runs),
          flapping: { scenario: 'flap', simulatedSeconds: 600, executionsStarted: 0 },
        },
      });

    // Act
    const bound = fastDetectionBoundSeconds(settings);
    const [within, beyond] = [detection([106.3, 128.7, 150]), detection([106.3, 128.7, 153])].map(
      (r) => statusOf(evaluateTargets(r, { wallClock: false }), '2 detection')[0],
    );

    // Assess
    expect(bound).toBe(30 + 120 + 2);
    expect(within).toBe('met');
    expect(beyond).toBe('missed');
  });

  it('judges each bundle on size and on import time relative to hello world', () => {
    // Prepare
    const measured = results({
      functionStartup: startup({ small: bundle(480, 95), big: bundle(1200, 101) }),
    });

    // Act
    const verdicts = evaluateTargets(measured, { wallClock: false });

    // Assess
    const startupVerdicts = verdicts.filter((verdict) => verdict.figure === '4 function start-up');
    expect(startupVerdicts.map((verdict) => [verdict.target.split(':')[0], verdict.status])).toEqual([
      ['small', 'met'],
      ['small', 'met'],
      ['big', 'missed'],
      ['big', 'missed'],
    ]);
  });

  it('fails the scale target on the ratio, on a step failed by throttling, and without rate limits', () => {
    // Prepare
    const scale = (large: ScaleRun, rateLimitsEnforced = true) => ({
      rateLimitsEnforced,
      rateLimits: [],
      small: scaleRun(600),
      large,
      ratio: large.rtoSeconds.median / 600,
    });

    // Act
    const [fast, slow, throttled, unlimited] = [
      scale(scaleRun(650)),
      scale(scaleRun(661)),
      scale(scaleRun(650, 2)),
      scale(scaleRun(650), false),
    ].map((figure) => statusOf(evaluateTargets(results({ scale: figure }), { wallClock: false }), '3 scale'));

    // Assess
    expect(fast).toEqual(['met', 'met']);
    expect(slow).toEqual(['missed', 'met']);
    expect(throttled).toEqual(['met', 'missed']);
    expect(unlimited).toEqual(['unmeasured', 'met']);
  });

  it('counts a flapping primary that started an execution, and a DR-path detection over 4 minutes, as misses', () => {
    // Prepare
    const measured = results({
      detection: {
        settings: {},
        detectionSeconds: summarize([75]),
        paths: {
          fast: {
            scenario: 'app',
            alarmSeconds: summarize([75]),
            startExecutionSeconds: summarize([75]),
            firstPath: ['route53-health-check'],
          },
          dr: {
            scenario: 'region',
            alarmSeconds: summarize([300]),
            startExecutionSeconds: summarize([300]),
            firstPath: ['dr-probe'],
          },
        },
        flapping: { scenario: 'down 20 s of every 45 s', simulatedSeconds: 600, executionsStarted: 1 },
      },
    });

    // Act
    const verdicts = evaluateTargets(measured, { wallClock: false });

    // Assess
    expect(statusOf(verdicts, '2 detection')).toEqual(['met', 'missed', 'missed']);
  });

  it('judges the drill wall time only when asked, but a failing drill always', () => {
    // Prepare
    const drill = (seconds: number, succeeded: boolean) =>
      results({
        drill: { command: 'npm run drill', wallSeconds: summarize([seconds]), exitCodes: [0], succeeded },
      });

    // Act
    const slowInfo = statusOf(evaluateTargets(drill(25, true), { wallClock: false }), '5 drill');
    const slowJudged = statusOf(evaluateTargets(drill(25, true), { wallClock: true }), '5 drill');
    const failed = statusOf(evaluateTargets(drill(5, false), { wallClock: false }), '5 drill');

    // Assess
    expect(slowInfo).toEqual(['info']);
    expect(slowJudged).toEqual(['missed']);
    expect(failed).toEqual(['missed']);
  });

  it('fails the check when a figure is missing, errored or unavailable, and passes when all are met', () => {
    // Prepare
    const empty = results({});
    const errored = results({ functionStartup: { error: 'esbuild failed' } });
    const allMet = results({
      orchestrationOverhead: overhead(425, 420),
      detection: {
        settings: {},
        detectionSeconds: summarize([70]),
        paths: {
          fast: {
            scenario: 'app',
            alarmSeconds: summarize([70]),
            startExecutionSeconds: summarize([70]),
            firstPath: ['route53-health-check'],
          },
          dr: {
            scenario: 'region',
            alarmSeconds: summarize([200]),
            startExecutionSeconds: summarize([200]),
            firstPath: ['dr-probe'],
          },
        },
        flapping: { scenario: 'flap', simulatedSeconds: 600, executionsStarted: 0 },
      },
      scale: {
        rateLimitsEnforced: true,
        rateLimits: [],
        small: scaleRun(600),
        large: scaleRun(610),
        ratio: 1.02,
      },
      functionStartup: startup({ notify: bundle(300, 80) }),
      drill: { command: 'npm run drill', wallSeconds: summarize([8]), exitCodes: [0], succeeded: true },
    });

    // Act
    const [emptyPassed, erroredPassed, allMetPassed] = [empty, errored, allMet].map((r) =>
      checkPassed(evaluateTargets(r, { wallClock: true })),
    );

    // Assess
    expect(emptyPassed).toBe(false);
    expect(erroredPassed).toBe(false);
    expect(allMetPassed).toBe(true);
    expect(evaluateTargets(errored, { wallClock: false })[6]?.measured).toBe('error: esbuild failed');
  });
});
