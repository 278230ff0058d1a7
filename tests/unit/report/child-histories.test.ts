import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { withChildHistories } from '../../../report/child-histories.ts';

const at = (second: number) => new Date(Date.UTC(2026, 11, 2, 4, 0, second));
type EventFields = Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp'>;
const event = (id: number, previousEventId: number, second: number, fields: EventFields): HistoryEvent => ({
  ...fields,
  id,
  previousEventId,
  timestamp: at(second),
});
const states = { resourceType: 'states', resource: 'startExecution.sync:2' };
const entered = (name: string): EventFields => ({
  type: 'TaskStateEntered',
  stateEnteredEventDetails: { name, input: '{}' },
});

/** Two scaling children started from one Map: web's fails at 0:50, api's is still polling. */
function parentHistory(): HistoryEvent[] {
  const startChild = (first: number, arn: string, second: number): HistoryEvent[] => [
    event(first, 1, second, entered('ScaleService')),
    event(first + 1, first, second, {
      type: 'TaskScheduled',
      taskScheduledEventDetails: { ...states, region: 'us-west-2', parameters: '{}' },
    }),
    event(first + 2, first + 1, second, { type: 'TaskStarted', taskStartedEventDetails: states }),
    event(first + 3, first + 2, second, {
      type: 'TaskSubmitted',
      taskSubmittedEventDetails: { ...states, output: JSON.stringify({ ExecutionArn: arn }) },
    }),
  ];
  return [
    event(1, 0, 0, { type: 'ExecutionStarted' }),
    ...startChild(2, 'child:web', 1),
    ...startChild(6, 'child:api', 1),
    event(10, 5, 50, {
      type: 'TaskFailed',
      taskFailedEventDetails: { ...states, error: 'States.TaskFailed', cause: '{}' },
    }),
    event(11, 10, 50, {
      type: 'TaskStateExited',
      stateExitedEventDetails: { name: 'ScaleService', output: '{}' },
    }),
    event(12, 11, 50, {
      type: 'PassStateEntered',
      stateEnteredEventDetails: { name: 'ReadScaleServiceFailure', input: '{}' },
    }),
  ];
}

describe('withChildHistories', () => {
  it("chains a failed child's Catch path to that child's last state, not to another child's later one", () => {
    // Prepare
    const web = [
      event(1, 0, 1, { type: 'ExecutionStarted' }),
      event(2, 1, 40, entered('CheckScaling')),
      event(3, 2, 45, {
        type: 'TaskStateExited',
        stateExitedEventDetails: { name: 'CheckScaling', output: '{}' },
      }),
      event(4, 3, 50, { type: 'ExecutionFailed' }),
    ];
    const api = [event(1, 0, 1, { type: 'ExecutionStarted' }), event(2, 1, 48, entered('CheckScaling'))];

    // Act
    const merged = withChildHistories(parentHistory(), [
      { executionArn: 'child:web', events: web },
      { executionArn: 'child:api', events: api },
    ]);

    // Assess
    const catchPath = merged.find((e) => e.stateEnteredEventDetails?.name === 'ReadScaleServiceFailure');
    const chainedTo = merged.find((e) => e.id === catchPath?.previousEventId);
    expect(chainedTo?.timestamp).toEqual(at(45));
    expect(chainedTo?.stateExitedEventDetails?.name).toBe('CheckScaling');
    expect(merged.some((e) => e.type === 'TaskFailed' || e.type === 'ExecutionFailed')).toBe(false);
  });
});
