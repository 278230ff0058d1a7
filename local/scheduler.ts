import type { SimClock } from './clock.ts';

/**
 * Runs actions at simulated instants, exactly: the clock does not pass an instant before the
 * actions due there have run, and they run with the clock at that instant (whatever the
 * handlers are doing, however late the wall timer fired). Actions also receive the instant.
 */
export interface Scheduler {
  at(simulatedMs: number, action: (dueAt: number) => void, label?: string): () => void;
  after(simulatedDelayMs: number, action: (dueAt: number) => void, label?: string): () => void;
  /** Runs `action` every `intervalMs` from `firstAt` (default: one interval from now). */
  every(intervalMs: number, action: (dueAt: number) => void, options?: { firstAt?: number }): () => void;
  stop(): void;
}

export function createScheduler(clock: SimClock, onError: (error: unknown) => void): Scheduler {
  let stopped = false;
  const at = (dueAt: number, action: (dueAt: number) => void) => {
    if (stopped) return () => {};
    return clock.schedule(dueAt, (due) => {
      try {
        action(due);
      } catch (error) {
        onError(error);
      }
    });
  };
  return {
    at,
    after: (delay, action) => at(clock.now() + Math.max(0, delay), action),
    every(intervalMs, action, options = {}) {
      if (!(intervalMs > 0)) throw new RangeError(`every() needs a positive interval, got ${intervalMs}`);
      let cancelled = false;
      let cancelNext = () => {};
      const tick = (dueAt: number) => {
        if (cancelled) return;
        cancelNext = at(dueAt + intervalMs, tick);
        action(dueAt);
      };
      cancelNext = at(options.firstAt ?? clock.now() + intervalMs, tick);
      return () => {
        cancelled = true;
        cancelNext();
      };
    },
    stop() {
      stopped = true;
      clock.stop();
    },
  };
}
