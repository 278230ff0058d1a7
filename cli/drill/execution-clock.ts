/**
 * The time of a followed execution, on the service's clock: progress offsets count from the
 * execution's own startDate (StartExecution's response, else DescribeExecution's) and its events
 * carry the service's timestamps. Offsets taken against the client's Date.now() would be off by
 * the client/server clock skew, and by hours against a local world whose clock is simulated.
 * Between two reads the service's "now" is estimated from the wall time elapsed since the start,
 * and never put before the latest event seen (a simulated clock may run faster than the wall).
 */
export class ExecutionClock {
  private latest: number;

  constructor(
    /** The execution's startDate (service clock, epoch ms). */
    readonly origin: number,
    private readonly wall: () => number = Date.now,
    private readonly wallAtOrigin: number = wall(),
  ) {
    this.latest = origin;
  }

  /** A timestamp the service reported: its clock has reached at least that. */
  saw(at: number): void {
    if (Number.isFinite(at) && at > this.latest) this.latest = at;
  }

  /** The service's time now, as well as the client can know it. */
  now(): number {
    return Math.max(this.latest, this.origin + (this.wall() - this.wallAtOrigin));
  }
}
