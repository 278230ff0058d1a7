import type { Random } from '../rng.ts';
import type { Retrier } from './world-definition.ts';

/**
 * Step Functions' Retry, in simulated time. The interpreter decides to retry (and counts the
 * attempts) itself, but would sleep its interval on a wall timer; the world tells it to retry at
 * once and waits the real interval before it hands the failed attempt back. To know that
 * interval, the world follows the same decision, retrier by retrier, and computes the delay as
 * Step Functions does (Amazon States Language, "Retrying after an error"): the n-th retry of a
 * retrier waits IntervalSeconds × BackoffRate^(n-1), at most MaxDelaySeconds, and with
 * JitterStrategy FULL a uniformly random share of that (here from the world's seeded random).
 */
const DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 } as const;
const WILDCARD = 'States.ALL';
const TASK_WILDCARD = 'States.TaskFailed';

export interface RetryDecision {
  retrierIndex: number;
  /** 1 for the first retry of this retrier. */
  attempt: number;
  delayMs: number;
}

/** Errors the interpreter never retries (and we must not wait for): terminal ones. */
export function isRetryable(error: { isRetryable?: boolean } | undefined): boolean {
  return error?.isRetryable !== false;
}

/**
 * Whether the interpreter retries `errorName` now, given the attempts each retrier has used in
 * this state entry (updated when it does). Mirrors aws-local-stepfunctions' StateExecutor: the
 * first retrier whose ErrorEquals matches decides; when its attempts are used up, nothing retries.
 */
export function decideRetry(
  retriers: readonly Retrier[],
  attempts: number[],
  errorName: string,
  random: Random,
): RetryDecision | undefined {
  for (let i = 0; i < retriers.length; i++) {
    const retrier = retriers[i] as Retrier;
    const matches = retrier.ErrorEquals.some(
      (name) => name === errorName || name === WILDCARD || name === TASK_WILDCARD,
    );
    if (!matches) continue;
    const used = attempts[i] ?? 0;
    if (used >= (retrier.MaxAttempts ?? DEFAULTS.MaxAttempts)) return undefined;
    attempts[i] = used + 1;
    return { retrierIndex: i, attempt: used + 1, delayMs: retryDelayMs(retrier, used + 1, random) };
  }
  return undefined;
}

/** The wait before retry number `attempt` (1-based) of `retrier`, in milliseconds. */
export function retryDelayMs(retrier: Retrier, attempt: number, random: Random): number {
  const interval = retrier.IntervalSeconds ?? DEFAULTS.IntervalSeconds;
  const rate = retrier.BackoffRate ?? DEFAULTS.BackoffRate;
  let seconds = interval * rate ** (attempt - 1);
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  const ms = Math.max(0, seconds * 1000);
  return retrier.JitterStrategy === 'FULL' ? Math.round(random.next() * ms) : Math.round(ms);
}
