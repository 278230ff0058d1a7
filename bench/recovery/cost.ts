import { DEFAULT_TIMINGS, type Timings, type World } from '../../local/index.ts';
import type { Plan } from '../../plan/schema.ts';
import { progress } from '../lib/log.ts';
import type { CostFigure, CostOfPlan } from '../results.ts';
import {
  addUsage,
  countHistory,
  FUNCTION_MEMORY_MB,
  LIST_PRICES,
  NO_USAGE,
  priceUsage,
  type UsageCount,
} from './cost-count.ts';
import { injectOutage, referencePlan, timingsForRun } from './overhead.ts';
import { scaledPlan } from './scaled-plan.ts';
import { withoutStackSizeRule } from './without-stack-rule.ts';
import { startBenchWorld } from './world-run.ts';

/** The largest plan of figure 3, at the reference poll intervals (they fit the execution history). */
const LARGE = { databases: 50, services: 200 } as const;
/** Counts do not depend on the scale (simulated time is exact); monitoring runs an hour, so fast. */
const FAILOVER_SCALE = 50;
const MONITORING_SCALE = 200;
const MONITORING_SECONDS = 3600;
/** Before the hour: the schedules' first runs and a baseline. */
const MONITORING_WARM_UP_SECONDS = 120;
const HOURS_PER_MONTH = 730;

/**
 * The cost figure: for the reference plan and a large one, what one failover and one hour of
 * scheduled monitoring use in Step Functions state transitions and Lambda invocations, priced at
 * AWS list prices (cost-count.ts). Counted from world runs: the failover's executions'
 * histories (every execution an alarm started, a skipped duplicate included), and the schedules'
 * invocations over a simulated hour with nothing failing.
 */
export async function measureCost(
  options: { large?: { databases: number; services: number } } = {},
): Promise<CostFigure> {
  const base = referencePlan();
  const large = options.large ?? LARGE;
  const plans: [string, Plan][] = [
    [`reference (${base.databases.length} databases, ${base.services.length} services)`, base],
    [
      `large (${large.databases} databases, ${large.services} services)`,
      scaledPlan(base, large.databases, large.services),
    ],
  ];
  const costs: CostOfPlan[] = [];
  for (const [label, plan] of plans) {
    progress(`cost: ${label}: one failover (scale ${FAILOVER_SCALE})`);
    // The world deploys no stack: the 50 + 200 plan runs without the stack-size rule (without-stack-rule.ts).
    const failover = await withoutStackSizeRule(() => countFailover(plan));
    progress(`cost: ${label}: an hour of scheduled monitoring (scale ${MONITORING_SCALE})`);
    const monitoring = await withoutStackSizeRule(() => countMonitoringHour(plan));
    const hour = priceUsage(monitoring.usage);
    costs.push({
      plan: label,
      databases: plan.databases.length,
      services: plan.services.length,
      pollSeconds: plan.failover.pollSeconds,
      failover: priceUsage(failover),
      monitoringHour: {
        ...hour,
        invocationsByFunction: monitoring.byFunction,
        apiCalls: monitoring.apiCalls,
      },
      monitoringMonthUsd: round(hour.usd.total * HOURS_PER_MONTH, 4),
    });
  }
  return {
    prices: {
      ...LIST_PRICES,
      functionMemoryMb: FUNCTION_MEMORY_MB,
      hoursPerMonth: HOURS_PER_MONTH,
      sources: [
        'https://aws.amazon.com/step-functions/pricing/',
        'https://aws.amazon.com/lambda/pricing/',
        'https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html',
      ],
    },
    plans: costs,
  };
}

async function countFailover(plan: Plan): Promise<UsageCount> {
  const timings: Timings = timingsForRun(plan, 1, 1);
  const world = await startBenchWorld({ plan, scale: FAILOVER_SCALE, seed: 1, timings });
  try {
    const origin = await injectOutage(world);
    await world.until(
      (events) =>
        events.some((e) => e.type === 'execution.ended' && e.at >= origin) &&
        world.stepFunctions.list().every((execution) => execution.status !== 'RUNNING'),
      { timeoutSeconds: 7_200 },
    );
    const executions = world.stepFunctions
      .list()
      .filter((execution) => execution.startDate.getTime() >= origin);
    const succeeded = executions.filter((execution) => execution.status === 'SUCCEEDED');
    if (succeeded.length === 0)
      throw new Error(`no failover execution succeeded (${executions.map((e) => e.status).join(', ')})`);
    // Each database's promotion and each service's scaling ran in a child execution: billed too.
    const children = executions.flatMap((execution) => world.stepFunctions.children(execution.arn));
    return [...executions, ...children]
      .map((execution) => countHistory(execution.history))
      .reduce(addUsage, NO_USAGE);
  } finally {
    await world.close();
  }
}

interface MonitoringCount {
  usage: UsageCount;
  byFunction: Record<string, number>;
  apiCalls: number;
}

/**
 * An hour of the DR region's schedules (primary probe, health monitor, fence schedule) with the
 * primary healthy. Scheduled invocations are not in any history: their number comes from the
 * world's log, their duration from the world's model of an invocation (the invocation overhead
 * plus the latency of each AWS call they made, from the world's request counts); the handlers'
 * own CPU time (milliseconds) is left out.
 */
async function countMonitoringHour(plan: Plan): Promise<MonitoringCount> {
  const world = await startBenchWorld({ plan, scale: MONITORING_SCALE, seed: 1, schedule: true });
  try {
    await world.runFor(MONITORING_WARM_UP_SECONDS);
    const from = world.clock.now();
    await world.runFor(MONITORING_SECONDS);
    const to = world.clock.now();
    return monitoringCount(world, from, to);
  } finally {
    await world.close();
  }
}

function monitoringCount(world: World, from: number, to: number): MonitoringCount {
  const invoked = world.events
    .list({ type: 'schedule.invoked', since: from })
    .filter((e) => e.at <= to && e.detail.error === undefined);
  const byFunction: Record<string, number> = {};
  for (const e of invoked) {
    const name = String(e.detail.function);
    byFunction[name] = (byFunction[name] ?? 0) + 1;
  }
  const apiCalls = world.dependencies({ from, to }).reduce((sum, dependency) => sum + dependency.calls, 0);
  // The world's model of an invocation (bench worlds keep these defaults).
  const timings = DEFAULT_TIMINGS;
  const scheduled: UsageCount = {
    ...NO_USAGE,
    lambdaInvocations: invoked.length,
    lambdaMilliseconds: invoked.length * timings.lambdaInvocationMs + apiCalls * timings.apiCallMs,
  };
  // Nothing should start an execution while the primary is healthy; if something did, it costs.
  const executions = world.stepFunctions
    .list()
    .filter((execution) => execution.startDate.getTime() >= from && execution.startDate.getTime() <= to);
  const usage = executions.map((execution) => countHistory(execution.history)).reduce(addUsage, scheduled);
  return { usage, byFunction, apiCalls };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
