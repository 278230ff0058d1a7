import { constants } from 'node:os';

/**
 * Ctrl-C (SIGINT) and SIGTERM during a long command. The first signal asks the command to stop:
 * it finishes the step it is in, says what was running and what had changed, closes the local
 * world, writes what it knows, and exits 128 + the signal's number (130 for SIGINT, 143 for
 * SIGTERM), as shells report a process a signal ended. A second signal does not wait: it runs
 * the urgent cleanups (temp folders) and exits at once. One Ctrl-C often arrives twice within
 * milliseconds (the terminal signals the whole process group and `npm run` forwards it to its
 * child again): signals within a second of the first count as the same one.
 */
const SAME_INTERRUPT_MS = 1_000;
export type StopSignal = 'SIGINT' | 'SIGTERM';
const SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

export class InterruptedError extends Error {
  constructor(readonly signal: StopSignal) {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedError';
  }
}

export function interruptExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

export interface Interrupts {
  /** Aborted at the first signal. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  received(): StopSignal | undefined;
  /** `work`, or an InterruptedError as soon as a signal comes (work's own outcome is then ignored). */
  race<T>(work: Promise<T>): Promise<T>;
  /** Throws InterruptedError if a signal came. */
  check(): void;
  /** Registers a synchronous cleanup for a second signal; returns its removal. */
  onForce(cleanup: () => void): () => void;
  /** Stops listening: signals get Node's default behaviour again. */
  dispose(): void;
}

export function watchInterrupts(): Interrupts {
  const controller = new AbortController();
  let first: StopSignal | undefined;
  let firstAtMonotonic = 0;
  const urgent = new Set<() => void>();
  const handlers = SIGNALS.map((name) => {
    const handler = () => {
      if (first === undefined) {
        first = name;
        firstAtMonotonic = performance.now();
        controller.abort(new InterruptedError(name));
        return;
      }
      // The local world replaces Date with its simulated clock: compare on the monotonic clock.
      if (performance.now() - firstAtMonotonic < SAME_INTERRUPT_MS) return;
      for (const cleanup of urgent) {
        try {
          cleanup();
        } catch {
          // Best effort: the process is leaving.
        }
      }
      process.stderr.write(`\ndrctl: ${name} again: stopping at once\n`);
      process.exit(interruptExitCode(first));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  const interrupted = () => new InterruptedError(first ?? 'SIGINT');
  return {
    signal: controller.signal,
    received: () => first,
    race: <T>(work: Promise<T>) => {
      if (first !== undefined) {
        work.catch(() => {});
        return Promise.reject(interrupted());
      }
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(interrupted());
        controller.signal.addEventListener('abort', onAbort, { once: true });
        work.then(
          (value) => {
            controller.signal.removeEventListener('abort', onAbort);
            resolve(value);
          },
          (error: unknown) => {
            controller.signal.removeEventListener('abort', onAbort);
            // Once interrupted, what the abandoned work does next is of no interest.
            if (first === undefined) reject(error);
          },
        );
      });
    },
    check: () => {
      if (first !== undefined) throw interrupted();
    },
    onForce: (cleanup) => {
      urgent.add(cleanup);
      return () => urgent.delete(cleanup);
    },
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
