import { describe, expect, it } from 'vitest';
import { throttlingOutcome } from '../../../bench/recovery/scale.ts';
import type { WorldEvent, WorldEventType } from '../../../local/index.ts';

let seq = 0;
function event(type: WorldEventType, detail: Record<string, unknown>): WorldEvent {
  seq++;
  return { seq, type, at: seq * 1000, elapsedSeconds: seq, time: '', message: '', detail };
}

describe('steps failed by throttling', () => {
  it('does not count a throttled step that its Retry took up', () => {
    // Prepare
    const events = [
      event('state.failed', { executionArn: 'x', state: 'ScaleService', index: 3, error: 'ThrottledError' }),
      event('state.retried', { executionArn: 'x', state: 'ScaleService', index: 3 }),
      event('state.exited', { executionArn: 'x', state: 'ScaleService', index: 3 }),
    ];

    // Act
    const outcome = throttlingOutcome(events);

    // Assess
    expect(outcome).toEqual({ failedSteps: 0, retriedFailures: 1 });
  });

  it('counts a throttled step that no retry followed, and ignores other errors', () => {
    // Prepare
    const events = [
      event('state.failed', {
        executionArn: 'x',
        state: 'PromoteReplica',
        index: 0,
        error: 'ThrottledError',
      }),
      event('state.retried', { executionArn: 'x', state: 'PromoteReplica', index: 1 }),
      event('state.failed', { executionArn: 'x', state: 'SwitchDns', error: 'DnsChangeRejectedError' }),
    ];

    // Act
    const outcome = throttlingOutcome(events);

    // Assess
    expect(outcome).toEqual({ failedSteps: 1, retriedFailures: 0 });
  });
});
