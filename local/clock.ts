/**
 * The world's simulated clock. Simulated time runs `scale` times faster than wall time, from a
 * chosen start instant. While the world runs, `install()` replaces the process's global `Date` so
 * that everything in the process that stamps times with `new Date()` or `Date.now()` (the Lambda
 * handlers, the AWS SDK's signer, aws-local-stepfunctions' events and `$$.Execution.StartTime`)
 * speaks simulated time; `uninstall()` restores the real one.
 */
const RealDate = globalThis.Date;

export interface SimClock {
  /** Simulated milliseconds since the epoch. */
  now(): number;
  /** Simulated seconds elapsed since the world started. */
  elapsedSeconds(): number;
  /** The simulated instant the world started at (ms since the epoch). */
  readonly startedAt: number;
  /** Simulated seconds per wall second. */
  readonly scale: number;
  /** Wall milliseconds that `simulatedMs` take. */
  toWallMs(simulatedMs: number): number;
  /** Resolves after about `simulatedMs` of simulated time (wall timer; use the scheduler to be exact). */
  sleep(simulatedMs: number): Promise<void>;
  /**
   * Stops simulated time until the returned release function is called (holds nest). The world
   * holds the clock while an in-process Lambda handler runs, so that the CPU time of our own
   * process does not count as simulated time; modelled durations are added with `advance`.
   */
  hold(): () => void;
  /** Moves simulated time forward at once. */
  advance(simulatedMs: number): void;
  isHeld(): boolean;
  /** Called whenever time resumes or jumps (release, advance). */
  onChange(listener: () => void): () => void;
  install(): void;
  uninstall(): void;
}

let installedClock: SimClock | undefined;

export function createClock(options: { scale: number; startAt?: number }): SimClock {
  if (!(options.scale > 0)) throw new Error(`clock scale must be > 0, got ${options.scale}`);
  const scale = options.scale;
  const startedAt = options.startAt ?? RealDate.now();
  const wallStart = performance.now();
  let holds = 0;
  let heldSince: number | undefined;
  let heldTotal = 0;
  let advanced = 0;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  const runningWallMs = () =>
    performance.now() - wallStart - heldTotal - (heldSince === undefined ? 0 : performance.now() - heldSince);
  const now = () => Math.floor(startedAt + advanced + runningWallMs() * scale);
  const clock: SimClock = {
    now,
    startedAt,
    scale,
    hold() {
      holds++;
      if (holds === 1) heldSince = performance.now();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holds--;
        if (holds === 0 && heldSince !== undefined) {
          heldTotal += performance.now() - heldSince;
          heldSince = undefined;
          changed();
        }
      };
    },
    advance(simulatedMs) {
      if (simulatedMs <= 0) return;
      advanced += simulatedMs;
      changed();
    },
    isHeld: () => holds > 0,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    elapsedSeconds: () => (now() - startedAt) / 1000,
    toWallMs: (simulatedMs) => Math.max(0, simulatedMs / scale),
    sleep: (simulatedMs) => new Promise((resolve) => setTimeout(resolve, Math.max(0, simulatedMs / scale))),
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
