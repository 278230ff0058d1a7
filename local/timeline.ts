import type { WorldEvent } from './events.ts';

/**
 * The steps of one execution as the world saw them: each state (and each Map iteration of it)
 * with its first entry, last exit and outcome, in simulated time. The CLI's live view and
 * report are built from this.
 */
export interface StepTiming {
  state: string;
  /** Map iteration index (per database or service), when the state runs inside a Map. */
  index: number | null;
  stateType: string;
  startedAt: string;
  endedAt: string | null;
  seconds: number | null;
  /** Times the state was entered (polling loops enter their states many times). */
  entries: number;
  retries: number;
  outcome: 'succeeded' | 'failed' | 'running';
  error: string | null;
}

export function stepTimings(events: WorldEvent[], executionArn: string): StepTiming[] {
  const steps = new Map<string, StepTiming & { startMs: number; endMs: number | null }>();
  for (const event of events) {
    if (event.detail.executionArn !== executionArn) continue;
    if (!event.type.startsWith('state.')) continue;
    const state = String(event.detail.state);
    const index = typeof event.detail.index === 'number' ? event.detail.index : null;
    const key = `${state}#${index ?? ''}`;
    let step = steps.get(key);
    if (!step) {
      step = {
        state,
        index,
        stateType: String(event.detail.stateType ?? ''),
        startedAt: event.time,
        endedAt: null,
        seconds: null,
        entries: 0,
        retries: 0,
        outcome: 'running',
        error: null,
        startMs: event.at,
        endMs: null,
      };
      steps.set(key, step);
    }
    switch (event.type) {
      case 'state.entered':
        step.entries++;
        step.outcome = 'running';
        break;
      case 'state.exited':
        step.outcome = 'succeeded';
        step.endMs = event.at;
        break;
      case 'state.failed':
        step.outcome = 'failed';
        step.error = String(event.detail.error ?? '');
        step.endMs = event.at;
        break;
      case 'state.retried':
        step.retries++;
        break;
      default:
        break;
    }
  }
  return [...steps.values()]
    .sort((a, b) => a.startMs - b.startMs)
    .map(({ startMs, endMs, ...step }) => ({
      ...step,
      endedAt: endMs === null ? null : new Date(endMs).toISOString(),
      seconds: endMs === null ? null : Math.round((endMs - startMs) / 100) / 10,
    }));
}
