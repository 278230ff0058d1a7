import type { SimClock } from './clock.ts';

/**
 * Runs actions at simulated instants. Actions fire in time order and receive the instant they
 * were due at, so that the facts they record carry exact simulated times even when the wall
 * timer fires a little late.
 */
export interface Scheduler {
  at(simulatedMs: number, action: (dueAt: number) => void, label?: string): () => void;
  after(simulatedDelayMs: number, action: (dueAt: number) => void, label?: string): () => void;
  /** Runs `action` every `intervalMs` from `firstAt` (default: one interval from now). */
  every(intervalMs: number, action: (dueAt: number) => void, options?: { firstAt?: number }): () => void;
  stop(): void;
}

interface Entry {
  dueAt: number;
  sequence: number;
  action: (dueAt: number) => void;
  cancelled: boolean;
}

export function createScheduler(clock: SimClock, onError: (error: unknown) => void): Scheduler {
  const queue: Entry[] = [];
  let sequence = 0;
  let timer: NodeJS.Timeout | undefined;
  let armedFor = Number.POSITIVE_INFINITY;
  let stopped = false;

  const arm = () => {
    if (stopped) return;
    const next = queue[0];
    if (!next) return;
    // While the clock is held nothing can fall due; the clock's change listener re-arms.
    if (clock.isHeld()) return;
    if (timer && armedFor <= next.dueAt) return;
    if (timer) clearTimeout(timer);
    armedFor = next.dueAt;
    timer = setTimeout(run, clock.toWallMs(next.dueAt - clock.now()));
  };

  const run = () => {
    timer = undefined;
    armedFor = Number.POSITIVE_INFINITY;
    if (clock.isHeld()) return;
    const now = clock.now();
    while (!stopped && queue[0] && queue[0].dueAt <= now) {
      const entry = queue.shift() as Entry;
      if (entry.cancelled) continue;
      try {
        entry.action(entry.dueAt);
      } catch (error) {
        onError(error);
      }
    }
    arm();
  };

  const stopListening = clock.onChange(() => {
    // Time resumed or jumped: re-arm for the (possibly already due) next action.
    if (timer) clearTimeout(timer);
    timer = undefined;
    armedFor = Number.POSITIVE_INFINITY;
    arm();
  });

  const insert = (entry: Entry) => {
    let index = queue.length;
    while (index > 0) {
      const previous = queue[index - 1] as Entry;
      if (
        previous.dueAt < entry.dueAt ||
        (previous.dueAt === entry.dueAt && previous.sequence < entry.sequence)
      ) {
        break;
      }
      index--;
    }
    queue.splice(index, 0, entry);
    arm();
  };

  const at = (dueAt: number, action: (dueAt: number) => void) => {
    const entry: Entry = { dueAt, sequence: sequence++, action, cancelled: false };
    insert(entry);
    return () => {
      entry.cancelled = true;
    };
  };

  return {
    at,
    after: (delay, action) => at(clock.now() + Math.max(0, delay), action),
    every(intervalMs, action, options = {}) {
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
      stopListening();
      if (timer) clearTimeout(timer);
      queue.length = 0;
    },
  };
}
