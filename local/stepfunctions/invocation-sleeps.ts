/**
 * A handler's sleeps, charged to its invocation's timeline instead of slept in wall time.
 *
 * While an invocation runs, the clock is held at real speed, so a handler that sleeps (the AWS
 * SDK's retry back-off between attempts, up to 20 s when throttled; the canary's pause between
 * heartbeats) made the world wait that long in wall time for nothing: the sleep is modelled time,
 * like an API call's latency. So the world recognises a sleep and charges it as latency is
 * charged: the invocation's timeline moves on by the delay, actions due before then run first,
 * each at its own instant, and the sleeper resumes when simulated time reaches the end. What
 * the invocation sees (Date.now() before and after, the order of what the world does meanwhile)
 * is what it would have seen sleeping.
 *
 * A sleep is a timer whose callback is a promise's own resolve function (the SDK's
 * `await new Promise((r) => setTimeout(r, delay))`, and every `sleep(ms)` written that way): when
 * it fires nothing runs but the promise's continuation. Any other timer (a request or connection
 * timeout, a socket keep-alive, a timer a test drives) stays a wall-clock timer, because what it
 * guards (an HTTP request to the world, a TCP handshake) runs in wall time.
 */

/** Charges `delayMs` to the timeline of the invocation running in this async context; undefined outside one. */
export type SleepCharger = (delayMs: number) => Promise<void> | undefined;

const chargers = new Set<SleepCharger>();
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
/** Handles of charged sleeps not yet woken; clearTimeout takes one out, so it never wakes. */
const sleeping = new WeakSet<object>();
const NEVER = 2 ** 31 - 1;

/** A promise's resolve (and reject) function: native, anonymous, one parameter. */
function isPromiseResolver(callback: unknown): boolean {
  return (
    typeof callback === 'function' &&
    callback.name === '' &&
    callback.length === 1 &&
    Function.prototype.toString.call(callback).includes('[native code]')
  );
}

function chargedSetTimeout(callback: unknown, delay?: number, ...args: unknown[]): NodeJS.Timeout {
  const delayMs = Number(delay);
  if (isPromiseResolver(callback) && delayMs >= 1) {
    for (const charge of chargers) {
      const charged = charge(delayMs);
      if (charged === undefined) continue;
      // A real handle for the caller (unref, clearTimeout); its own timer never fires in practice.
      const handle = realSetTimeout(() => {}, NEVER);
      handle.unref();
      sleeping.add(handle);
      charged.then(() => {
        realClearTimeout(handle);
        if (sleeping.delete(handle)) (callback as (...values: unknown[]) => void)(...args);
      });
      return handle;
    }
  }
  return (realSetTimeout as (callback: unknown, delay?: number, ...args: unknown[]) => NodeJS.Timeout)(
    callback,
    delay,
    ...args,
  );
}

function trackedClearTimeout(handle?: Parameters<typeof clearTimeout>[0]): void {
  if (handle !== null && typeof handle === 'object') sleeping.delete(handle);
  realClearTimeout(handle);
}

/**
 * Routes sleeps taken inside invocations to `charge` until the returned function is called.
 * The process's timers are replaced while at least one world charges sleeps, and restored after
 * the last (unless something replaced them since, such as a test's fake timers).
 */
export function chargeSleeps(charge: SleepCharger): () => void {
  chargers.add(charge);
  if (chargers.size === 1) {
    globalThis.setTimeout = chargedSetTimeout as typeof setTimeout;
    globalThis.clearTimeout = trackedClearTimeout as typeof clearTimeout;
  }
  return () => {
    if (!chargers.delete(charge) || chargers.size > 0) return;
    if (globalThis.setTimeout === (chargedSetTimeout as unknown)) globalThis.setTimeout = realSetTimeout;
    if (globalThis.clearTimeout === (trackedClearTimeout as unknown))
      globalThis.clearTimeout = realClearTimeout;
  };
}
