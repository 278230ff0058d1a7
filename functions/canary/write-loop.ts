import type { CanaryBeat } from '../shared/canary-contracts.ts';
import { beatOnce } from './beat.ts';
import type { CanaryDeps } from './sessions.ts';

/** About a minute's worth of heartbeats per scheduled invocation (the schedule runs every minute). */
export const WRITE_WINDOW_MS = 55_000;
/** Left to the invocation after the last beat (Lambda's timeout must exceed the window by this). */
const SAFETY_MS = 3_000;

export interface WriteLoopResult {
  beats: number;
  /** Heartbeats per database that could not be written, with the last error. */
  failures: Record<string, { count: number; lastError: string }>;
  lastSeq: Record<string, number | null>;
}

/**
 * The writer's scheduled invocation: a heartbeat to every primary now and every
 * `intervalSeconds` after, for about 55 s or until the invocation is about to run out of time.
 * Beats are paced from the loop's start (a slow beat does not shift the next), and never overlap.
 */
export async function writeForAMinute(
  deps: CanaryDeps,
  options: { intervalSeconds: number; remainingMs: () => number; sleep?: (ms: number) => Promise<void> },
): Promise<WriteLoopResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // The deps' clock, so that the loop is paced by the clock its tests and the world drive.
  const now = () => deps.now().getTime();
  const start = now();
  const windowMs = Math.min(WRITE_WINDOW_MS, options.remainingMs() - SAFETY_MS);
  const result: WriteLoopResult = { beats: 0, failures: {}, lastSeq: {} };
  for (let slot = 0; slot * options.intervalSeconds * 1000 < windowMs; slot++) {
    const due = start + slot * options.intervalSeconds * 1000;
    if (due > now()) await sleep(due - now());
    if (options.remainingMs() < SAFETY_MS) break;
    record(result, await beatOnce(deps));
  }
  return result;
}

function record(result: WriteLoopResult, beats: CanaryBeat[]): void {
  result.beats += 1;
  for (const beat of beats) {
    result.lastSeq[beat.databaseId] = beat.seq;
    if (beat.error !== undefined) {
      const previous = result.failures[beat.databaseId]?.count ?? 0;
      result.failures[beat.databaseId] = { count: previous + 1, lastError: beat.error };
    }
  }
}
