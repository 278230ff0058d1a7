import type { WorldEvent } from '../../local/index.ts';
import { progress } from '../lib/log.ts';
import { roundTo, summarize } from '../lib/stats.ts';
import type { ScaleFigure, ScaleRun } from '../results.ts';
import {
  drctlFailover,
  referencePlan,
  stepMedians,
  timingsForRun,
  type WorldFigureOptions,
} from './overhead.ts';
import { startRateLimitProxy } from './rate-limit-proxy.ts';
import { RATE_LIMITS } from './rate-limits.ts';
import { scaledPlan } from './scaled-plan.ts';
import { withoutStackSizeRule } from './without-stack-rule.ts';
import type { Timeline } from './world-run.ts';

const SIZES = {
  small: { databases: 1, services: 1 },
  large: { databases: 10, services: 50 },
  // Issue 14: a plan this size must fit Step Functions' history (one child execution per resource).
  xlarge: { databases: 50, services: 200 },
} as const;
/**
 * The world's compute grows with 250 resources (each poll is a handler run at real speed): the
 * 50 + 200 runs go at least this fast, so that one finishes in minutes on two loaded cores.
 */
const XLARGE_MIN_SCALE = 20;
/**
 * The 50 + 200 plan polls each service every 60 s instead of the reference 15 s. Its history
 * fits at 15 s (one child execution per service), but 200 services polled every 15 s ask ECS
 * for about 13 calls a second, over the 5 a second the proxy's ECS bucket refills: measured
 * 2026-12-02, a scaling step then failed from throttling after its 20 retries (docs/performance.md,
 * figure 3). At 60 s the run completes, ECS-bound.
 */
const XLARGE_SERVICE_POLL_SECONDS = 60;

/** The SDK prefers these to AWS_ENDPOINT_URL (which the world sets), so the proxy sits in front. */
const PROXIED_ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL_RDS',
  'AWS_ENDPOINT_URL_ECS',
  'AWS_ENDPOINT_URL_ROUTE_53',
];

/** State failures caused by throttling that no Retry took up: steps that failed from throttling. */
export function throttlingOutcome(events: readonly WorldEvent[]): {
  failedSteps: number;
  retriedFailures: number;
} {
  let failedSteps = 0;
  let retriedFailures = 0;
  events.forEach((event, position) => {
    if (event.type !== 'state.failed' || !/Throttl/i.test(String(event.detail.error))) return;
    const retried = events
      .slice(position + 1)
      .some(
        (later) =>
          later.type === 'state.retried' &&
          later.detail.executionArn === event.detail.executionArn &&
          later.detail.state === event.detail.state &&
          later.detail.index === event.detail.index,
      );
    if (retried) retriedFailures++;
    else failedSteps++;
  });
  return { failedSteps, retriedFailures };
}

export async function measureScale(options: WorldFigureOptions): Promise<ScaleFigure> {
  const proxy = await startRateLimitProxy(RATE_LIMITS);
  const previous = PROXIED_ENDPOINT_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of PROXIED_ENDPOINT_VARIABLES) process.env[name] = proxy.url;
  const base = referencePlan();
  try {
    const measureSize = async (label: keyof typeof SIZES, scale: number): Promise<ScaleRun> => {
      const { databases, services } = SIZES[label];
      const scaled = scaledPlan(base, databases, services);
      const plan =
        label === 'xlarge'
          ? {
              ...scaled,
              failover: {
                ...scaled.failover,
                pollSeconds: { ...scaled.failover.pollSeconds, service: XLARGE_SERVICE_POLL_SECONDS },
              },
            }
          : scaled;
      const rtos: number[] = [];
      const wallSeconds: number[] = [];
      const timelines: Timeline[] = [];
      let throttledRequests = 0;
      let proxiedRequests = 0;
      let stepsFailedByThrottling = 0;
      let executionsSucceeded = 0;
      const failures: string[] = [];
      for (let run = 1; run <= options.runs; run++) {
        progress(
          `scale: ${databases} database(s) + ${services} service(s), failover ${run} of ${options.runs} (scale ${scale})`,
        );
        proxy.reset();
        try {
          const started = Date.now();
          // The world deploys no stack: 50 + 200 runs without the stack-size rule (without-stack-rule.ts).
          const result = await withoutStackSizeRule(() =>
            drctlFailover(
              plan,
              scale,
              run,
              {
                started: (world) => {
                  proxy.setUpstream(world.endpoint);
                  proxy.setClock(() => world.clock.now());
                },
                ended: (world) => {
                  stepsFailedByThrottling += throttlingOutcome(world.events.list()).failedSteps;
                },
              },
              // Both sizes see the same promotion duration in the same run: the reference plan's spread
              // (the large plan polls less often, and its own spread would make its promotions longer).
              timingsForRun(base, run, options.runs),
            ),
          );
          wallSeconds.push((Date.now() - started) / 1000);
          rtos.push(result.rtoSeconds);
          timelines.push(result.timeline);
          executionsSucceeded++;
        } catch (error) {
          failures.push((error as Error).message);
        }
        throttledRequests += Object.values(proxy.throttled()).reduce((sum, n) => sum + n, 0);
        proxiedRequests += proxy.forwarded();
      }
      if (rtos.length === 0) throw new Error(`every ${label} failover failed: ${failures.join('; ')}`);
      return {
        databases,
        services,
        rtoSeconds: summarize(rtos),
        steps: stepMedians(timelines),
        throttledRequests,
        proxiedRequests,
        stepsFailedByThrottling,
        executionsSucceeded,
        scale,
        wallSeconds: summarize(wallSeconds.length > 0 ? wallSeconds : [0]),
        pollSeconds: plan.failover.pollSeconds,
        ...(failures.length > 0 ? { failures } : {}),
      };
    };
    const small = await measureSize('small', options.scale);
    const large = await measureSize('large', options.scale);
    // 50 + 200 has no target: its failure is reported, and does not hide the two sizes that have one.
    let xlarge: ScaleRun | undefined;
    let xlargeError: string | undefined;
    try {
      xlarge = await measureSize('xlarge', Math.max(options.scale, XLARGE_MIN_SCALE));
    } catch (error) {
      xlargeError = (error as Error).message;
    }
    return {
      rateLimitsEnforced: true,
      rateLimitsEnforcedBy:
        'bench/recovery/rate-limit-proxy.ts in front of the world (the world has no rate limits of its own)',
      rateLimits: RATE_LIMITS.map(({ service, limit, source }) => ({ service, limit, source })),
      scale: options.scale,
      small,
      large,
      ...(xlarge
        ? { xlarge, xlargeRatio: roundTo(xlarge.rtoSeconds.median / small.rtoSeconds.median, 3) }
        : { xlargeError: xlargeError ?? 'not run' }),
      ratio: roundTo(large.rtoSeconds.median / small.rtoSeconds.median, 3),
    };
  } finally {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await proxy.close();
  }
}
