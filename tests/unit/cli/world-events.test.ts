import { describe, expect, it } from 'vitest';
import { describeWorldEvent } from '../../../cli/drill/world-events.ts';
import type { World, WorldEvent } from '../../../local/index.ts';

function taskStopped(stopCode: string, reason: string): WorldEvent {
  return {
    seq: 1,
    type: 'ecs.task-stopped',
    at: 0,
    elapsedSeconds: 0,
    time: '2026-12-02T00:00:00.000Z',
    region: 'us-west-2',
    message: `task 1 of shop-web stopped: ${reason}`,
    detail: { service: 'shop-web', task: '1', stopCode, reason },
  };
}

// Task events read nothing of the world (only alarms and ended executions do).
const WORLD = {} as World;

describe('the world facts a drill prints', () => {
  it('shows a task that failed to start as bad, one the scheduler stopped (a scale-in, cleanup) as information', () => {
    // Prepare
    const failed = taskStopped('TaskFailedToStart', 'CannotPullContainerError: not found');
    const scaledIn = taskStopped(
      'ServiceSchedulerInitiated',
      'Scaling activity initiated by (deployment ecs-svc/1)',
    );

    // Act
    const shown = [failed, scaledIn].map((event) => describeWorldEvent(event, WORLD)?.tone);

    // Assess
    expect(shown).toEqual(['bad', 'info']);
  });
});
