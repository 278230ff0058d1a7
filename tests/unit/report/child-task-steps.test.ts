import { describe, expect, it } from 'vitest';
import { stepsFromHistory } from '../../../report/execution-steps.ts';
import { HistoryBuilder, type Thread } from './support/history-builder.ts';

/**
 * The parent's own history of a failover whose polling runs in child executions
 * (startExecution.sync:2): what `drctl drill` follows while the run goes on, locally and in AWS,
 * without reading each child's history.
 */
const STARTED = new Date('2026-11-20T10:00:00Z');
const CHILD = 'arn:aws:states:us-west-2:123456789012:execution:shop-failover-scale-service:child-1';

type ChildEnd =
  | { status: 'SUCCEEDED'; output: unknown }
  | { status: 'FAILED' | 'ABORTED'; error?: string; cause: string };

/** StartScaling (Lambda), then the ScaleService Task that runs the child and waits for it. */
function scaleItem(thread: Thread, serviceId: string, end: number, child: ChildEnd): void {
  thread.task({
    state: 'StartScaling',
    input: { serviceId },
    start: 1,
    end: 2,
    output: { serviceId, done: false, attempt: 0 },
  });
  const integration = { resourceType: 'states', resource: 'startExecution.sync:2' };
  thread.event('TaskStateEntered', 2, {
    stateEnteredEventDetails: { name: 'ScaleService', input: JSON.stringify({ serviceId }) },
  });
  thread.event('TaskScheduled', 2, {
    taskScheduledEventDetails: {
      ...integration,
      region: 'us-west-2',
      parameters: JSON.stringify({ serviceId }),
    },
  });
  thread.event('TaskStarted', 2, { taskStartedEventDetails: integration });
  thread.event('TaskSubmitted', 2, {
    taskSubmittedEventDetails: {
      ...integration,
      output: JSON.stringify({ ExecutionArn: CHILD, StartDate: 2 }),
    },
  });
  const described = {
    ExecutionArn: CHILD,
    Status: child.status,
    ...(child.status === 'SUCCEEDED'
      ? { Output: child.output }
      : { ...(child.error ? { Error: child.error } : {}), Cause: child.cause }),
  };
  if (child.status === 'SUCCEEDED') {
    thread.event('TaskSucceeded', end, {
      taskSucceededEventDetails: { ...integration, output: JSON.stringify(described) },
    });
    thread.event('TaskStateExited', end, {
      stateExitedEventDetails: { name: 'ScaleService', output: JSON.stringify(child.output) },
    });
    return;
  }
  thread.event('TaskFailed', end, {
    taskFailedEventDetails: { ...integration, error: 'States.TaskFailed', cause: JSON.stringify(described) },
  });
}

function parallelRun(items: [serviceId: string, end: number, child: ChildEnd][], failedAt?: number) {
  const history = new HistoryBuilder(STARTED, {});
  const main = history.main;
  for (const [serviceId, end, child] of items) scaleItem(main.fork(), serviceId, end, child);
  const last = Math.max(...items.map(([, end]) => end)) + 1;
  if (failedAt !== undefined) {
    main.event('ParallelStateFailed', failedAt);
    main.event('ExecutionFailed', last, { executionFailedEventDetails: { error: 'TaskStartFailureError' } });
  } else main.event('ExecutionSucceeded', last, { executionSucceededEventDetails: { output: '{}' } });
  return history.build();
}

describe('steps of a parent whose loops run in child executions', () => {
  it('reads a succeeded child as its step succeeding: one step per service, not a start cut short and a second step', () => {
    // Prepare
    const events = parallelRun([
      ['web', 60, { status: 'SUCCEEDED', output: { serviceId: 'web', done: true } }],
    ]);

    // Act
    const { steps } = stepsFromHistory(events, false);

    // Assess
    expect(steps.map((step) => [step.step, step.kind, step.outcome, step.detail])).toEqual([
      ['Scale web', 'scale', 'succeeded', 'status checks in a child execution'],
    ]);
    expect(steps[0]?.endedAt).toBe('2026-11-20T10:01:00.000Z');
  });

  it("names a failed child's own error and message, not States.TaskFailed and its description", () => {
    // Prepare
    const cause = JSON.stringify({
      errorType: 'TaskStartFailureError',
      errorMessage: 'shop-web tasks stopped',
    });
    const events = parallelRun(
      [['web', 50, { status: 'FAILED', error: 'TaskStartFailureError', cause }]],
      51,
    );

    // Act
    const { steps } = stepsFromHistory(events, false);

    // Assess
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({
      step: 'Scale web',
      outcome: 'failed',
      error: { name: 'TaskStartFailureError', message: 'shop-web tasks stopped' },
    });
  });

  it('reads a child stopped by a sibling failure as cut short: neither failed nor retrying', () => {
    // Prepare
    const cause = JSON.stringify({
      errorType: 'TaskStartFailureError',
      errorMessage: 'shop-web tasks stopped',
    });
    const aborted: ChildEnd = {
      status: 'ABORTED',
      cause: 'The Task state which was managing this resource was aborted',
    };
    const events = parallelRun(
      [
        ['web', 50, { status: 'FAILED', error: 'TaskStartFailureError', cause }],
        ['api', 50, aborted],
      ],
      51,
    );

    // Act
    const whileFailing = stepsFromHistory(events.slice(0, -1), true).steps;
    const ended = stepsFromHistory(events, false).steps;

    // Assess
    expect(whileFailing.find((step) => step.step === 'Scale api')).toMatchObject({ outcome: 'running' });
    expect(whileFailing.find((step) => step.step === 'Scale api')?.error).toBeUndefined();
    const api = ended.find((step) => step.step === 'Scale api');
    expect(api).toMatchObject({ outcome: 'unknown', endedAt: '2026-11-20T10:00:50.000Z' });
    expect(api?.detail).toContain('stopped before it was done');
    expect(api?.error).toBeUndefined();
  });
});
