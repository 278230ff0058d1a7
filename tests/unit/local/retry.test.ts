import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../local/rng.ts';
import { decideRetry, retryDelayMs } from '../../../local/stepfunctions/retry.ts';
import type { Retrier } from '../../../local/stepfunctions/world-definition.ts';

/** The failover machine's retrier: 2 s, doubling, at most 30 s, 5 attempts, full jitter. */
const TRANSIENT: Retrier = {
  ErrorEquals: ['ThrottledError', 'Lambda.TooManyRequestsException', 'States.Timeout'],
  IntervalSeconds: 2,
  MaxAttempts: 5,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};

describe("Step Functions' Retry in the world", () => {
  it('grows the interval by BackoffRate and caps it at MaxDelaySeconds', () => {
    // Prepare
    const retrier: Retrier = { ...TRANSIENT, JitterStrategy: 'NONE' };
    const random = createRandom(1);

    // Act
    const delays = [1, 2, 3, 4, 5].map((attempt) => retryDelayMs(retrier, attempt, random));

    // Assess
    expect(delays).toEqual([2_000, 4_000, 8_000, 16_000, 30_000]);
  });

  it('with JitterStrategy FULL waits a seeded random share of the interval, the same for the same seed', () => {
    // Prepare
    const attempts = [1, 2, 3, 4, 5];

    // Act
    const first = attempts.map((attempt) => retryDelayMs(TRANSIENT, attempt, createRandom(7)));
    const again = attempts.map((attempt) => retryDelayMs(TRANSIENT, attempt, createRandom(7)));
    const other = attempts.map((attempt) => retryDelayMs(TRANSIENT, attempt, createRandom(8)));

    // Assess
    attempts.forEach((attempt, i) => {
      expect(first[i]).toBeGreaterThanOrEqual(0);
      expect(first[i]).toBeLessThanOrEqual(Math.min(2_000 * 2 ** (attempt - 1), 30_000));
    });
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('uses the first retrier that matches and stops when its MaxAttempts are used', () => {
    // Prepare
    const retriers: Retrier[] = [
      { ErrorEquals: ['NotReady'], MaxAttempts: 2, IntervalSeconds: 1, BackoffRate: 1 },
      { ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 10 },
    ];
    const attempts = [0, 0];
    const random = createRandom(1);

    // Act
    const decisions = [1, 2, 3].map(() => decideRetry(retriers, attempts, 'NotReady', random));
    const other = decideRetry(retriers, attempts, 'Boom', random);

    // Assess
    expect(decisions.map((d) => d?.delayMs)).toEqual([1_000, 1_000, undefined]);
    expect(other).toMatchObject({ retrierIndex: 1, attempt: 1, delayMs: 10_000 });
  });
});
