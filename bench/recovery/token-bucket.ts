/**
 * AWS's throttling model (RDS, ECS and Route 53 all document it): a bucket holds up to
 * `capacity` tokens (the burst), refills `refillPerSecond` tokens a second (the sustained rate),
 * and each request takes one token or is throttled. Time is passed in, so the bucket runs on the
 * world's simulated clock.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number | undefined;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
  ) {
    this.tokens = capacity;
  }

  /** Takes a token at `nowMs`; false when the request must be throttled. */
  take(nowMs: number): boolean {
    if (this.updatedAt !== undefined && nowMs > this.updatedAt) {
      this.tokens = Math.min(
        this.capacity,
        this.tokens + ((nowMs - this.updatedAt) / 1000) * this.refillPerSecond,
      );
    }
    this.updatedAt = Math.max(nowMs, this.updatedAt ?? nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
