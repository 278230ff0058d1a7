import { randomUUID } from 'node:crypto';
import { callKindOf } from '../../functions/shared/call-kind.ts';
import type { SimClock } from '../clock.ts';
import { currentInvocation, runMarked, worldIdOf } from './invocation-marks.ts';
import { chargeSleeps } from './invocation-sleeps.ts';

/**
 * The modelled time of Lambda invocations. In AWS concurrent invocations run in parallel, so
 * their modelled costs (the invocation overhead, the latency of each API call they make) must
 * overlap, not add up: each invocation has its own timeline (its start, plus its costs, plus
 * the real time it has run), and simulated time is at least the furthest of them.
 *
 * A handler's API calls reach the world's endpoint as plain HTTP, so the world marks them on
 * the way out with the invocation's world and id (invocation-marks.ts). Calls without a mark
 * come from outside the process. A handler's sleeps (the SDK's retry back-off) are charged to
 * its timeline the same way (invocation-sleeps.ts), rather than slept in wall time.
 */

interface Invocation {
  startedAt: number;
  wallStart: number;
  /** Modelled milliseconds charged so far. */
  charged: number;
}

export interface InvocationTimes {
  /** Runs `body` as one invocation: the clock held, the overhead charged first. */
  run<T>(body: () => Promise<T>): Promise<T>;
  /**
   * Charges one API call's latency: to its invocation's timeline when it has one; to the world's
   * time for a drctl call from outside the process (the `drctl-call/...` user-agent marker);
   * nothing for other callers (the AWS CLI, tests, `drctl status`), which are not AWS's work.
   */
  chargeApiCall(call: { invocation?: string; userAgent?: string }, latencyMs: number): Promise<void>;
  close(): void;
}

const byClock = new WeakMap<SimClock, InvocationTimes>();

/** The invocation timelines of a clock (one per world). */
export function invocationTimes(clock: SimClock, overheadMs: number): InvocationTimes {
  const existing = byClock.get(clock);
  if (existing) return existing;
  const world = worldIdOf(clock);
  const running = new Map<string, Invocation>();
  const wall = () => performance.now();
  const reachOwnTime = (invocation: Invocation) =>
    clock.reach(invocation.startedAt + invocation.charged + (wall() - invocation.wallStart));
  const charge = (invocation: Invocation, latencyMs: number) => {
    invocation.charged += latencyMs;
    return reachOwnTime(invocation);
  };
  const stopChargingSleeps = chargeSleeps((delayMs) => {
    const current = currentInvocation();
    const invocation = current?.world === world ? running.get(current.invocation) : undefined;
    return invocation ? charge(invocation, delayMs) : undefined;
  });

  const times: InvocationTimes = {
    async run(body) {
      const release = clock.hold();
      const id = randomUUID();
      const invocation: Invocation = { startedAt: clock.now(), wallStart: wall(), charged: overheadMs };
      running.set(id, invocation);
      try {
        await reachOwnTime(invocation);
        return await runMarked({ world, invocation: id }, body);
      } finally {
        running.delete(id);
        // Until the next turn: what the result sets off in this process is not AWS's time either.
        setImmediate(release);
      }
    },
    chargeApiCall(call, latencyMs) {
      const invocation = call.invocation === undefined ? undefined : running.get(call.invocation);
      if (invocation) return charge(invocation, latencyMs);
      if (callKindOf(call.userAgent) !== undefined) return clock.reach(clock.now() + latencyMs);
      return Promise.resolve();
    },
    close() {
      stopChargingSleeps();
      running.clear();
      byClock.delete(clock);
    },
  };
  byClock.set(clock, times);
  clock.onStop(() => times.close());
  return times;
}

/** The timelines of a clock, if its world has made them (the API server charges calls to them). */
export function invocationTimesOf(clock: SimClock): InvocationTimes | undefined {
  return byClock.get(clock);
}

/**
 * Charges an API call's modelled latency (see InvocationTimes.chargeApiCall); before the state
 * machine exists, only drctl calls from outside cost time.
 */
export function chargeApiLatency(
  clock: SimClock,
  call: { invocation?: string; userAgent?: string },
  latencyMs: number,
): Promise<void> {
  const times = invocationTimesOf(clock);
  if (times) return times.chargeApiCall(call, latencyMs);
  if (callKindOf(call.userAgent) !== undefined) return clock.reach(clock.now() + latencyMs);
  return Promise.resolve();
}
