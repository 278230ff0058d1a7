/**
 * The world's simulated clock and its agenda of due actions.
 *
 * Simulated time runs `scale` times faster than wall time while the world is idle, and at real
 * speed (1 simulated ms per wall ms) while an in-process handler runs: our CPU time is roughly
 * what Lambda's would be, whatever the scale, so a drill gives the same outcome at every scale.
 * Modelled costs (an invocation's overhead, an API call's latency) raise a floor that time jumps
 * to. Time never runs past an action of the agenda that has not run yet: when a wall timer fires
 * late, the clock waits at the action's instant, runs it there (and lets what it started settle)
 * before it moves on, so actions and faults happen at their simulated time whatever the handlers
 * are doing. At scales up to 10, what the clock loses that way (late timers) or gains (modelled
 * costs) is paid back while it is idle, by running up to 25 % slower or faster, so that at
 * scale 1 simulated time keeps to wall time.
 *
 * While the world runs, `install()` replaces the process's global `Date` so that everything in
 * the process that stamps times with `new Date()` or `Date.now()` (the Lambda handlers, the AWS
 * SDK's signer, aws-local-stepfunctions' events) speaks simulated time; `uninstall()` restores it.
 */
const RealDate = globalThis.Date;

/**
 * Scales the world honours. Below 1 the handlers (real speed) would run faster than the world
 * around them; above 10,000 one wall millisecond, the resolution of the timers that pace the
 * world and of every outside client (the AWS CLI, `drctl status`, a live view), is more than ten
 * simulated seconds.
 */
export const MIN_SCALE = 1;
export const MAX_SCALE = 10_000;

/** Share of the idle rate by which the clock runs slower or faster to pay back what it lost or gained. */
const CORRECTION = 0.25;
/**
 * Pay-back keeps simulated time on wall time for someone watching at (near) real speed; above
 * this scale nobody watches at real pace, and outcomes never depend on pacing, so the clock
 * does not spend wall time on it.
 */
const PAYBACK_MAX_SCALE = 10;

export interface SimClock {
  /** Simulated milliseconds since the epoch. */
  now(): number;
  /** Simulated seconds elapsed since the world started. */
  elapsedSeconds(): number;
  /** The simulated instant the world started at (ms since the epoch). */
  readonly startedAt: number;
  /** Simulated seconds per wall second while the world is idle. */
  readonly scale: number;
  /** Wall milliseconds that `simulatedMs` take while the world is idle. */
  toWallMs(simulatedMs: number): number;
  /** Resolves after `simulatedMs` of simulated time, exactly (an action of the agenda). */
  sleep(simulatedMs: number): Promise<void>;
  /**
   * While at least one hold is taken, time runs at real speed instead of `scale`: an in-process
   * Lambda handler holds the clock, so its CPU time counts as what it is, not 200 times more.
   * The returned function releases the hold (once).
   */
  hold(): () => void;
  isHeld(): boolean;
  /**
   * Time is at least `at` from now on (a modelled cost). Actions due before `at` still run
   * first, each at its own instant: until they have, `now()` stays below `at`.
   */
  advanceTo(at: number): void;
  /** `advanceTo(now() + simulatedMs)`. */
  advance(simulatedMs: number): void;
  /** `advanceTo(at)`, resolved once the clock has reached `at` (every action due before it has run). */
  reach(at: number): Promise<void>;
  /** The agenda: runs `action` at `dueAt` exactly. Returns the cancel function. */
  schedule(dueAt: number, action: (dueAt: number) => void): () => void;
  /** Drops every scheduled action and stops the timers (the world is closing). */
  stop(): void;
  /** Runs `listener` when the clock stops (parts bound to the world's time let go of the process). */
  onStop(listener: () => void): void;
  /** How far simulated time is ahead of (positive) or behind its wall-time line, in simulated ms. */
  deviation(): number;
  install(): void;
  uninstall(): void;
}

export interface ClockOptions {
  scale: number;
  startAt?: number;
  /** Wall milliseconds (default `performance.now()`); tests pass their own. */
  wallNow?: () => number;
  /** Errors thrown by scheduled actions (they never stop the clock). */
  onError?: (error: unknown) => void;
}

let installedClock: SimClock | undefined;

/**
 * Node's timers wait at least 1 ms (a shorter delay is rounded up to it, and the loop adds its
 * own turn). An action due sooner than that in wall time is reached by raising the floor, as a
 * modelled cost does, and run on the next turn: at scale 400 a world with a dense agenda (a
 * drill's polls, the fence's retries) spent more wall time in 1 ms timer waits than in its own
 * work. What the clock gains that way is at most one timer tick, and pay-back (scales up to 10)
 * returns it like any other gain.
 */
const TIMER_RESOLUTION_MS = 1;

/** Refuses a scale the world cannot honour, naming the limit. */
export function checkScale(scale: number): void {
  if (!Number.isFinite(scale) || scale < MIN_SCALE || scale > MAX_SCALE) {
    throw new RangeError(
      `scale ${String(scale)} is outside what the local world can honour: it must be a number from ${MIN_SCALE} to ${MAX_SCALE} simulated seconds per wall second (below ${MIN_SCALE} the handlers would run faster than the world around them; above ${MAX_SCALE} one wall millisecond, the resolution of the timers that pace the world and its clients, is more than ${MAX_SCALE / 1000} simulated seconds)`,
    );
  }
}

export function createClock(options: ClockOptions): SimClock {
  checkScale(options.scale);
  const { scale } = options;
  const wall = options.wallNow ?? (() => performance.now());
  const onError = options.onError ?? (() => {});
  const startedAt = options.startAt ?? RealDate.now();
  const agenda = new Agenda();
  const waiters: { at: number; resolve: () => void }[] = [];
  const stopListeners: (() => void)[] = [];

  let base = startedAt;
  let wallBase = wall();
  let floor = Number.NEGATIVE_INFINITY;
  let holds = 0;
  let deviation = 0;
  let frozen: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let stopped = false;

  const rate = () => (holds > 0 ? 1 : scale);
  const paysBack = scale <= PAYBACK_MAX_SCALE;
  /** Where the flow has got to since the last rebase, with the pay-back correction applied. */
  const flowing = () => {
    const flow = Math.max(0, wall() - wallBase) * rate();
    const limit = holds > 0 || !paysBack ? 0 : flow * CORRECTION;
    const correction = Math.max(-limit, Math.min(limit, -deviation));
    return { value: base + flow + correction, correction };
  };
  const value = (): number => {
    if (frozen !== undefined) return frozen;
    const reached = Math.max(flowing().value, floor);
    const due = agenda.nextDue();
    return due !== undefined && due < reached ? due : reached;
  };
  /** Restarts the flow from `at` (default: where time is); the difference goes to the deviation. */
  const rebase = (at = value()) => {
    const { value: flowed, correction } = flowing();
    deviation += correction + (at - flowed);
    base = at;
    wallBase = wall();
  };
  const settleWaiters = () => {
    const current = value();
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i] as { at: number; resolve: () => void };
      if (waiter.at <= current) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };
  const disarm = () => {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  };
  const arm = () => {
    // Frozen at an instant: the thaw re-arms.
    if (frozen !== undefined) return;
    disarm();
    if (stopped) return;
    settleWaiters();
    const due = agenda.nextDue();
    if (due === undefined) return;
    const reachable = Math.max(flowing().value, floor);
    const wallMs = due <= reachable ? 0 : wallToGain(due - reachable);
    if (wallMs >= TIMER_RESOLUTION_MS) {
      timer = setTimeout(fire, wallMs);
      return;
    }
    // Closer than a timer can wait: reach it on the next turn, as a modelled cost would.
    if (due > floor) floor = due;
    immediate = setImmediate(fire);
  };
  /** Wall ms the clock takes to gain `gap` simulated ms from now, pay-back included. */
  const wallToGain = (gap: number): number => {
    const base = rate();
    const owed = deviation + flowing().correction;
    if (holds > 0 || !paysBack || owed === 0) return gap / base;
    const speed = base * (1 + (owed < 0 ? CORRECTION : -CORRECTION));
    const repaidAfter = Math.abs(owed) / (base * CORRECTION);
    if (gap <= speed * repaidAfter) return gap / speed;
    return repaidAfter + (gap - speed * repaidAfter) / base;
  };
  /** Runs every action due at the next instant, with the clock frozen there. */
  function fire(): void {
    timer = undefined;
    immediate = undefined;
    const due = agenda.nextDue();
    if (stopped || due === undefined) return;
    if (due > Math.max(flowing().value, floor)) {
      arm();
      return;
    }
    rebase(due);
    frozen = due;
    try {
      for (const entry of agenda.takeDue(due)) {
        try {
          entry.action(entry.dueAt);
        } catch (error) {
          onError(error);
        }
      }
    } finally {
      // What the actions start (their promise reactions) also happens at this instant: the
      // clock thaws on the next turn of the event loop, and their CPU time is not simulated.
      immediate = setImmediate(thaw);
    }
  }
  function thaw(): void {
    immediate = undefined;
    const at = frozen;
    frozen = undefined;
    if (at !== undefined) rebase(at);
    arm();
  }

  const now = () => Math.floor(value());
  const clock: SimClock = {
    now,
    startedAt,
    scale,
    elapsedSeconds: () => (now() - startedAt) / 1000,
    toWallMs: (simulatedMs) => Math.max(0, simulatedMs / scale),
    sleep: (simulatedMs) =>
      new Promise((resolve) => {
        clock.schedule(value() + Math.max(0, simulatedMs), () => resolve());
      }),
    hold() {
      rebase();
      holds++;
      arm();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rebase();
        holds--;
        arm();
      };
    },
    isHeld: () => holds > 0,
    advanceTo(at) {
      if (!(at > floor)) return;
      floor = at;
      arm();
    },
    advance(simulatedMs) {
      if (simulatedMs > 0) clock.advanceTo(value() + simulatedMs);
    },
    reach(at) {
      clock.advanceTo(at);
      if (value() >= at || stopped) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ at, resolve }));
    },
    schedule(dueAt, action) {
      const entry = agenda.add(Math.max(dueAt, value()), action);
      if (!stopped) arm();
      return () => {
        entry.cancelled = true;
      };
    },
    stop() {
      if (stopped) return;
      stopped = true;
      frozen = undefined;
      disarm();
      agenda.clear();
      for (const waiter of waiters.splice(0)) waiter.resolve();
      for (const listener of stopListeners.splice(0)) {
        try {
          listener();
        } catch (error) {
          onError(error);
        }
      }
    },
    onStop(listener) {
      if (stopped) listener();
      else stopListeners.push(listener);
    },
    deviation: () => {
      const { value: flowed, correction } = flowing();
      return deviation + correction + (value() - flowed);
    },
    install() {
      if (installedClock && installedClock !== clock) {
        throw new Error('another simulated clock is installed: one world per process at a time');
      }
      installedClock = clock;
      globalThis.Date = scaledDateClass(now);
    },
    uninstall() {
      if (installedClock !== clock) return;
      installedClock = undefined;
      globalThis.Date = RealDate;
    },
  };
  return clock;
}

interface AgendaEntry {
  dueAt: number;
  sequence: number;
  action: (dueAt: number) => void;
  cancelled: boolean;
}

/** Due actions in a binary heap, earliest first and, at one instant, in the order they were added. */
class Agenda {
  private readonly heap: AgendaEntry[] = [];
  private sequence = 0;

  add(dueAt: number, action: (dueAt: number) => void): AgendaEntry {
    const entry: AgendaEntry = { dueAt, sequence: this.sequence++, action, cancelled: false };
    this.heap.push(entry);
    this.up(this.heap.length - 1);
    return entry;
  }

  nextDue(): number | undefined {
    while (this.heap[0]?.cancelled) this.pop();
    return this.heap[0]?.dueAt;
  }

  /** Removes and returns the live entries due at or before `at`, including those they add at `at`. */
  *takeDue(at: number): Generator<AgendaEntry> {
    while (this.nextDue() !== undefined && (this.nextDue() as number) <= at) {
      const entry = this.pop() as AgendaEntry;
      if (!entry.cancelled) yield entry;
    }
  }

  clear(): void {
    this.heap.length = 0;
  }

  private pop(): AgendaEntry | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (this.heap.length > 0 && last) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private before(a: AgendaEntry, b: AgendaEntry): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.sequence < b.sequence);
  }

  private up(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(this.heap[child] as AgendaEntry, this.heap[parent] as AgendaEntry)) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private down(index: number): void {
    let parent = index;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let first = parent;
      if (
        left < this.heap.length &&
        this.before(this.heap[left] as AgendaEntry, this.heap[first] as AgendaEntry)
      )
        first = left;
      if (
        right < this.heap.length &&
        this.before(this.heap[right] as AgendaEntry, this.heap[first] as AgendaEntry)
      )
        first = right;
      if (first === parent) return;
      this.swap(parent, first);
      parent = first;
    }
  }

  private swap(a: number, b: number): void {
    const held = this.heap[a] as AgendaEntry;
    this.heap[a] = this.heap[b] as AgendaEntry;
    this.heap[b] = held;
  }
}

/** A Date whose "now" is the simulated clock; every other use behaves like the real Date. */
function scaledDateClass(now: () => number): DateConstructor {
  class ScaledDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return now();
    }
    // Dates made before the clock was installed are real Dates and still count as Dates.
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof RealDate;
    }
  }
  // Called as a function, Date returns the current time as a string.
  const callable = new Proxy(ScaledDate, {
    apply: () => new RealDate(now()).toString(),
  });
  return callable as unknown as DateConstructor;
}

/** The real wall-clock Date, for code that must not be simulated (test timeouts, logs). */
export const WallDate: DateConstructor = RealDate;
