import { randomUUID } from 'node:crypto';
import type { Plan } from '../plan/schema.ts';
import type { SimClock } from './clock.ts';
import type { WorldContext } from './context.ts';
import { invocationTimes } from './stepfunctions/invocation-time.ts';
import { type Invoke, invoker, type LambdaHandler } from './stepfunctions/lambda-functions.ts';

/**
 * The functions EventBridge schedules run in the DR region, as the CDK app deploys them: the
 * health monitor every `detection.scheduleMinutes` (readiness and metrics; it is also a
 * state-machine Task) and the primary probe every `detection.probe.scheduleMinutes` (the DR-side
 * detection path; not a Task), and the fencing of an old primary every `detection.scheduleMinutes`
 * (also a Task, beside the recovery). They are loaded in process like the state machine's handlers and
 * invoked with a scheduled event. A schedule fires only while the DR region's EventBridge is up.
 */
export const SCHEDULED_FUNCTION_DIRECTORIES = { primaryProbe: 'primary-probe' } as const;
export type ScheduledFunctionKey = keyof typeof SCHEDULED_FUNCTION_DIRECTORIES;

export interface LoadedScheduledFunctions {
  functions: Record<ScheduledFunctionKey, Invoke>;
  problems: string[];
}

export function scheduledFunctionArn(plan: Plan, account: string, key: ScheduledFunctionKey): string {
  return `arn:aws:lambda:${plan.regions.dr}:${account}:function:${plan.name}-${SCHEDULED_FUNCTION_DIRECTORIES[key]}`;
}

/**
 * Imports the scheduled-only handlers. They read their configuration at import, so a new plan in
 * the same process needs fresh module instances: `generation` makes a distinct import URL.
 */
export async function loadScheduledFunctions(
  plan: Plan,
  account: string,
  generation: string,
): Promise<LoadedScheduledFunctions> {
  const problems: string[] = [];
  const entries = await Promise.all(
    (Object.keys(SCHEDULED_FUNCTION_DIRECTORIES) as ScheduledFunctionKey[]).map(async (key) => {
      const where = `functions/${SCHEDULED_FUNCTION_DIRECTORIES[key]}/handler.ts`;
      const url = new URL(`../${where}`, import.meta.url);
      if (generation !== '') url.searchParams.set('world', generation);
      try {
        const module = (await import(url.href)) as { handler?: LambdaHandler };
        if (typeof module.handler !== 'function') throw new Error('it does not export a handler');
        return [key, invoker(module.handler, scheduledFunctionArn(plan, account, key))] as const;
      } catch (error) {
        const reason = `${where} could not be loaded: ${(error as Error).message}`;
        problems.push(reason);
        const unavailable: Invoke = async () => {
          throw Object.assign(new Error(reason), { name: 'FunctionUnavailable' });
        };
        return [key, unavailable] as const;
      }
    }),
  );
  return { functions: Object.fromEntries(entries) as Record<ScheduledFunctionKey, Invoke>, problems };
}

/**
 * The scheduled handlers as the world invokes them: the same rule as the state machine's Tasks
 * (their CPU time at real speed, the modelled invocation overhead, their own timeline for the
 * API calls they make).
 */
export function timedScheduledFunctions(
  functions: Record<ScheduledFunctionKey, Invoke>,
  clock: SimClock,
  overheadMs: number,
): Record<ScheduledFunctionKey, Invoke> {
  const times = invocationTimes(clock, overheadMs);
  return Object.fromEntries(
    (Object.keys(functions) as ScheduledFunctionKey[]).map((key) => [
      key,
      (event: unknown) => times.run(() => functions[key](event)),
    ]),
  ) as Record<ScheduledFunctionKey, Invoke>;
}

export interface Schedules {
  stop(): void;
}

/** Starts the EventBridge schedules of the DR region (each `rate(N minutes)`) for the functions given. */
export function startSchedules(
  context: WorldContext,
  deps: {
    healthMonitor?: Invoke;
    primaryProbe?: Invoke;
    /** Fences the old primary once the plan is failed over and its region answers (a no-op otherwise). */
    fencePrimary?: Invoke;
    isEventBridgeUp: (region: string) => boolean;
  },
): Schedules {
  const { plan, account, events, scheduler, clock } = context;
  const { dr } = plan.regions;
  const schedule = (minutes: number, ruleName: string, what: string, functionName: string, invoke: Invoke) =>
    scheduler.every(minutes * 60_000, (at) => {
      if (!deps.isEventBridgeUp(dr)) return;
      const id = randomUUID();
      events.record('schedule.invoked', at, `scheduled ${what} run`, { id, function: functionName }, dr);
      const scheduled = {
        version: '0',
        id,
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account,
        time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: dr,
        resources: [`arn:aws:events:${dr}:${account}:rule/${ruleName}`],
        detail: {},
      };
      invoke(scheduled).catch((error: unknown) => {
        events.record('schedule.invoked', clock.now(), `${what} failed: ${(error as Error).message}`, {
          id,
          function: functionName,
          error: (error as Error).name,
        });
      });
    });
  const stops: (() => void)[] = [];
  if (deps.healthMonitor) {
    stops.push(
      schedule(
        plan.detection.scheduleMinutes,
        `${plan.name}-health-monitor-schedule`,
        'health monitor',
        'health-monitor',
        deps.healthMonitor,
      ),
    );
  }
  if (deps.primaryProbe) {
    stops.push(
      schedule(
        plan.detection.probe.scheduleMinutes,
        `${plan.name}-primary-probe-schedule`,
        'primary probe',
        'primary-probe',
        deps.primaryProbe,
      ),
    );
  }
  if (deps.fencePrimary) {
    stops.push(
      schedule(
        plan.detection.scheduleMinutes,
        `${plan.name}-fence-primary-schedule`,
        'old primary fencing',
        'fence-primary',
        deps.fencePrimary,
      ),
    );
  }
  return {
    stop: () => {
      for (const stop of stops) stop();
    },
  };
}
