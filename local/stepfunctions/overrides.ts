import type { Plan } from '../../plan/schema.ts';
import { allStates, type StateMachineDefinition } from '../../statemachines/definition.ts';

/**
 * aws-local-stepfunctions sleeps real milliseconds for Wait states and retry intervals; the
 * world scales them by overriding each state's wait (keyed by state name, Map/Parallel too).
 * A Wait with SecondsPath reads its seconds from the preflight's poll timing, which comes from
 * the plan: the override uses the plan's value for the timing key the path names.
 * Limits: retries wait their IntervalSeconds (no backoff growth, no jitter); a Wait on a
 * Timestamp is not scaled.
 */
export interface RunOverrides {
  waitTimeOverrides: Record<string, number>;
  retryIntervalOverrides: Record<string, number[]>;
}

const DEFAULT_UNKNOWN_WAIT_SECONDS = 10;

export function scaledOverrides(definition: StateMachineDefinition, plan: Plan, scale: number): RunOverrides {
  const pollSeconds: Record<string, number> = {
    promotionPollSeconds: plan.failover.pollSeconds.promotion,
    servicePollSeconds: plan.failover.pollSeconds.service,
    dnsPollSeconds: plan.failover.pollSeconds.dns,
    fencePollSeconds: plan.failover.pollSeconds.fence,
    approvalPollSeconds: plan.failover.approval.pollSeconds,
  };
  const wall = (seconds: number) => Math.max(1, Math.round((seconds * 1000) / scale));
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number[]> = {};
  for (const [name, state] of allStates(definition)) {
    if (state.Type === 'Wait') {
      if (typeof state.Seconds === 'number') waitTimeOverrides[name] = wall(state.Seconds);
      else if (typeof state.SecondsPath === 'string') {
        const key = state.SecondsPath.split('.').pop() ?? '';
        waitTimeOverrides[name] = wall(pollSeconds[key] ?? DEFAULT_UNKNOWN_WAIT_SECONDS);
      }
    }
    const retry = state.Retry as { IntervalSeconds?: number }[] | undefined;
    if (retry && retry.length > 0) {
      retryIntervalOverrides[name] = retry.map((retrier) => wall(retrier.IntervalSeconds ?? 1));
    }
  }
  return { waitTimeOverrides, retryIntervalOverrides };
}
