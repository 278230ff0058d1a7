import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { SimClock } from '../clock.ts';
import { INVOCATION_HEADER } from '../protocol/caller.ts';

/**
 * Which in-process Lambda invocation, of which world, made an HTTP request. While an invocation
 * runs, every HTTP request made in its async context carries `<world>/<invocation>` in
 * INVOCATION_HEADER (set from node:diagnostics_channel's `http.client.request.created`).
 *
 * Process-wide and never unsubscribed, on purpose. A world can close while one of its
 * invocations still runs (a handler between retries, the health monitor's next check), and the
 * next world of the process answers on the same shared endpoints (see endpoints.ts). The
 * invocation's later calls must still say whose they are, so that the next world refuses them
 * rather than answers them as its own (see assembly/api-server.ts).
 */
export interface InvocationMark {
  world: string;
  invocation: string;
}

const CHANNEL = 'http.client.request.created';
const storage = new AsyncLocalStorage<InvocationMark>();
const worlds = new WeakMap<SimClock, string>();
let subscribed = false;

function mark(message: unknown): void {
  const current = storage.getStore();
  const request = (message as { request?: ClientRequest }).request;
  if (current === undefined || !request || request.headersSent) return;
  request.setHeader(INVOCATION_HEADER, `${current.world}/${current.invocation}`);
}

/** Runs `body` as the invocation `mark`: the HTTP requests it makes carry the mark. */
export function runMarked<T>(invocation: InvocationMark, body: () => T): T {
  if (!subscribed) {
    diagnostics.subscribe(CHANNEL, mark);
    subscribed = true;
  }
  return storage.run(invocation, body);
}

/** The invocation running in this async context, if any. */
export function currentInvocation(): InvocationMark | undefined {
  return storage.getStore();
}

/** The id of the world whose clock this is (one clock per world). */
export function worldIdOf(clock: SimClock): string {
  let id = worlds.get(clock);
  if (id === undefined) {
    id = randomUUID();
    worlds.set(clock, id);
  }
  return id;
}
