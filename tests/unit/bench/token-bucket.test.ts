import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../bench/recovery/token-bucket.ts';

describe('token bucket (AWS API throttling model)', () => {
  it('allows a burst up to its capacity, then throttles', () => {
    // Prepare
    const bucket = new TokenBucket(5, 5);

    // Act
    const answers = Array.from({ length: 7 }, () => bucket.take(1_000));

    // Assess
    expect(answers).toEqual([true, true, true, true, true, false, false]);
  });

  it('refills at its sustained rate, never above capacity', () => {
    // Prepare
    const bucket = new TokenBucket(2, 1);
    bucket.take(0);
    bucket.take(0);

    // Act
    const afterHalfSecond = bucket.take(500);
    const afterOneSecond = bucket.take(1_000);
    const afterLongIdle = Array.from({ length: 3 }, () => bucket.take(60_000));

    // Assess
    expect(afterHalfSecond).toBe(false);
    expect(afterOneSecond).toBe(true);
    expect(afterLongIdle).toEqual([true, true, false]);
  });
});
