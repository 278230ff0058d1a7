import { describe, expect, it } from 'vitest';
import { addUsage, countHistory, NO_USAGE, priceUsage } from '../../../bench/recovery/cost-count.ts';
import type { HistoryEvent } from '../../../local/index.ts';

const T0 = Date.UTC(2030, 0, 1);
const FUNCTION_ARN_PREFIX = 'arn:aws:lambda:us-west-2:111111111111:function:';

/** A history from [type, ms after T0, previousEventId] rows, numbered from 1. */
function history(rows: [string, number, number][]): HistoryEvent[] {
  return rows.map(([type, ms, previousEventId], index) => ({
    id: index + 1,
    previousEventId,
    timestamp: new Date(T0 + ms),
    type,
    ...(type === 'LambdaFunctionScheduled'
      ? { lambdaFunctionScheduledEventDetails: { resource: `${FUNCTION_ARN_PREFIX}shop-promote-replica` } }
      : {}),
  }));
}

describe('cost of an execution, counted from its history', () => {
  it('counts every state entered as a transition and times each invocation from start to end (1 ms at least)', () => {
    // Prepare: a Task (250 ms invocation), a Wait, a Choice, the Task again (within its start's ms)
    const events = history([
      ['ExecutionStarted', 0, 0],
      ['TaskStateEntered', 0, 1],
      ['LambdaFunctionScheduled', 0, 2],
      ['LambdaFunctionStarted', 1, 3],
      ['LambdaFunctionSucceeded', 251, 4],
      ['TaskStateExited', 251, 5],
      ['WaitStateEntered', 251, 6],
      ['WaitStateExited', 10_251, 7],
      ['ChoiceStateEntered', 10_251, 8],
      ['ChoiceStateExited', 10_251, 9],
      ['TaskStateEntered', 10_251, 10],
      ['LambdaFunctionScheduled', 10_251, 11],
      ['LambdaFunctionStarted', 10_252, 12],
      ['LambdaFunctionSucceeded', 10_252, 13],
      ['TaskStateExited', 10_252, 14],
      ['ExecutionSucceeded', 10_252, 15],
    ]);

    // Act
    const usage = countHistory(events);

    // Assess: Lambda bills at least 1 ms
    expect(usage).toEqual({
      executions: 1,
      stateTransitions: 4,
      retries: 0,
      lambdaInvocations: 2,
      lambdaMilliseconds: 250 + 1,
      byFunction: { 'shop-promote-replica': { invocations: 2, milliseconds: 251 } },
    });
  });

  it('bills a retried attempt as one more transition, and does not bill an invocation that never started', () => {
    // Prepare: the first attempt fails, the second is refused before it starts, the third succeeds
    const events = history([
      ['TaskStateEntered', 0, 0],
      ['LambdaFunctionScheduled', 0, 1],
      ['LambdaFunctionStarted', 0, 2],
      ['LambdaFunctionFailed', 200, 3],
      ['LambdaFunctionScheduled', 2200, 4],
      ['LambdaFunctionFailed', 2350, 5],
      ['LambdaFunctionScheduled', 6350, 6],
      ['LambdaFunctionStarted', 6350, 7],
      ['LambdaFunctionSucceeded', 6650, 8],
      ['TaskStateExited', 6650, 9],
    ]);

    // Act
    const usage = countHistory(events);

    // Assess
    expect(usage.stateTransitions).toBe(1 + 2);
    expect(usage.retries).toBe(2);
    expect(usage.lambdaInvocations).toBe(2);
    expect(usage.lambdaMilliseconds).toBe(200 + 300);
  });

  it('counts a Task that runs a child execution as one transition, no retry and no Lambda request', () => {
    // Prepare: a Map iteration whose Task starts a child (startExecution.sync:2) and waits for it
    const events = history([
      ['MapIterationStarted', 0, 0],
      ['TaskStateEntered', 0, 1],
      ['TaskScheduled', 0, 2],
      ['TaskStarted', 1, 3],
      ['TaskSubmitted', 2, 4],
      ['TaskSucceeded', 300_000, 5],
      ['TaskStateExited', 300_000, 6],
      ['MapIterationSucceeded', 300_000, 7],
    ]);

    // Act
    const usage = countHistory(events);

    // Assess: the child's own transitions and invocations are counted from its own history
    expect(usage).toMatchObject({
      stateTransitions: 1,
      retries: 0,
      lambdaInvocations: 0,
      lambdaMilliseconds: 0,
    });
  });

  it('prices transitions, requests and arm64 GB-seconds at the list prices', () => {
    // Prepare: 1,000 transitions, 1 million invocations of 1 s at 256 MB = 250,000 GB-s
    const usage = addUsage(NO_USAGE, {
      executions: 1,
      stateTransitions: 1000,
      retries: 0,
      lambdaInvocations: 1_000_000,
      lambdaMilliseconds: 1_000_000_000,
    });

    // Act
    const priced = priceUsage(usage, 256);

    // Assess
    expect(priced.lambdaGbSeconds).toBe(250_000);
    expect(priced.usd).toEqual({
      stateTransitions: 0.025,
      lambdaRequests: 0.2,
      lambdaDuration: 3.33335,
      total: 3.55835,
    });
  });
});
