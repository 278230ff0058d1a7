import type { SimClock } from './clock.ts';
import type { EventLog, WorldEvent } from './events.ts';
import type { Scheduler } from './scheduler.ts';

/**
 * Waiting on the world in simulated time: for a condition on the event log (checked on every
 * event and every simulated second) or for a duration. A world that closes, or fails inside a
 * scheduled action, rejects every pending wait.
 */
export interface Waiting {
  until(condition: (events: WorldEvent[]) => boolean, options?: { timeoutSeconds?: number }): Promise<void>;
  runFor(seconds: number): Promise<void>;
  /** Rejects every pending wait (the world is closing). */
  cancelAll(reason: string): void;
}

export function createWaiting(parts: {
  clock: SimClock;
  scheduler: Scheduler;
  events: EventLog;
  /** Errors thrown by scheduled actions: a wait fails with the first. */
  failures: readonly unknown[];
}): Waiting {
  const { clock, scheduler, events, failures } = parts;
  const pending = new Set<(error: Error) => void>();

  return {
    until(condition, options = {}) {
      return new Promise<void>((resolve, reject) => {
        const limit = options.timeoutSeconds ?? 3_600;
        const deadline = clock.now() + limit * 1000;
        let unsubscribe = () => {};
        let stopTicker = () => {};
        const finish = () => {
          unsubscribe();
          stopTicker();
          pending.delete(cancel);
        };
        const cancel = (error: Error) => {
          finish();
          reject(error);
        };
        const check = () => {
          if (failures.length > 0) {
            cancel(failures[0] instanceof Error ? failures[0] : new Error(String(failures[0])));
          } else if (condition(events.list())) {
            finish();
            resolve();
          } else if (clock.now() > deadline) {
            cancel(new Error(`condition not met within ${limit} simulated seconds`));
          }
        };
        pending.add(cancel);
        unsubscribe = events.subscribe(() => queueMicrotask(check));
        stopTicker = scheduler.every(1000, check);
        check();
      });
    },
    runFor(seconds) {
      return new Promise<void>((resolve, reject) => {
        const cancel = (error: Error) => {
          stop();
          reject(error);
        };
        const stop = scheduler.after(seconds * 1000, () => {
          pending.delete(cancel);
          resolve();
        });
        pending.add(cancel);
      });
    },
    cancelAll(reason) {
      for (const cancel of [...pending]) cancel(new Error(reason));
    },
  };
}
