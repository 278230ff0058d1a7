import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { compactHistoryEvent, eventPayloadSize } from '../../../report/compact-history.ts';
import { fetchExecution } from '../../../report/fetch-execution.ts';
import { reportFromExecution } from '../../../report/from-execution.ts';
import {
  dryRun,
  EXECUTION_ARN,
  failedFailover,
  failoverRun,
  succeededFailover,
} from './support/shop-executions.ts';

const PLAN = {
  name: 'shop',
  regions: { primary: 'us-east-1', dr: 'us-west-2' },
  objectives: { rtoSeconds: 900, rpoSeconds: 60 },
};
const GENERATED = new Date('2026-11-20T11:00:00Z');
const sfn = mockClient(SFNClient);

afterEach(() => sfn.reset());

/** Serves a history in pages of `pageSize`, as GetExecutionHistory does (nextToken = the next index). */
function serve(describe: object, page: (index: number) => HistoryEvent[], pages: number): void {
  sfn.on(DescribeExecutionCommand).resolves(describe);
  sfn.on(GetExecutionHistoryCommand).callsFake((input: { nextToken?: string }) => {
    const index = Number(input.nextToken ?? '0');
    return { events: page(index), ...(index + 1 < pages ? { nextToken: String(index + 1) } : {}) };
  });
}

describe('compacted execution histories', () => {
  it.each([
    ['a successful failover', succeededFailover()],
    ['a failover that failed', failedFailover()],
    ['a dry run', dryRun()],
    ['an approved decision', failoverRun({ decision: { outcome: 'approved', checks: 3 } })],
    ['a skipped run', failoverRun({ skipped: true })],
    ['a stood-down run', failoverRun({ standDown: true })],
    ['a fencing loop', failoverRun({ fencePasses: 4, fencePending: true })],
  ])('build the same report as the whole history: %s', (_name, run) => {
    // Prepare
    const whole = reportFromExecution({ execution: run.describe, events: run.events }, PLAN, {
      generatedAt: GENERATED,
    });

    // Act
    const compacted = reportFromExecution(
      { execution: run.describe, events: run.events.map(compactHistoryEvent) },
      PLAN,
      { generatedAt: GENERATED },
    );

    // Assess
    expect(compacted).toEqual(whole);
  });

  it('keep a 25,000-event history of 8 KB state documents in a few MiB, read page by page', async () => {
    // Prepare: a promotion poll loop at Step Functions' history limit. Every state of a JSONPath
    // machine carries the whole document (here 8 KB): 25,000 events hold about 150 MB of it.
    const started = new Date('2026-11-20T10:00:00Z');
    const document = (attempt: number) =>
      JSON.stringify({
        databaseId: 'orders',
        preflight: { notes: 'x'.repeat(8_000) },
        promotion: { databaseId: 'orders', done: attempt === 2_777, status: 'modifying', attempt },
      });
    const POLL_EVENTS = 9;
    const eventAt = (id: number): HistoryEvent => {
      const base = { id, previousEventId: id - 1, timestamp: new Date(started.getTime() + id * 1000) };
      if (id === 1) {
        return {
          ...base,
          type: 'ExecutionStarted',
          executionStartedEventDetails: { input: '{"mode":"failover","requestedBy":"alice"}' },
        };
      }
      const attempt = Math.floor((id - 2) / POLL_EVENTS);
      const doc = document(attempt);
      const name = attempt === 0 ? 'StartPromotion' : 'CheckPromotion';
      const result = JSON.stringify({ databaseId: 'orders', done: attempt === 2_777, attempt });
      switch ((id - 2) % POLL_EVENTS) {
        case 0:
          return { ...base, type: 'TaskStateEntered', stateEnteredEventDetails: { name, input: doc } };
        case 1:
          return {
            ...base,
            type: 'LambdaFunctionScheduled',
            lambdaFunctionScheduledEventDetails: { resource: 'arn:aws:lambda:::function:p', input: doc },
          };
        case 2:
          return { ...base, type: 'LambdaFunctionStarted' };
        case 3:
          return {
            ...base,
            type: 'LambdaFunctionSucceeded',
            lambdaFunctionSucceededEventDetails: { output: result },
          };
        case 4:
          return { ...base, type: 'TaskStateExited', stateExitedEventDetails: { name, output: doc } };
        case 5:
          return {
            ...base,
            type: 'ChoiceStateEntered',
            stateEnteredEventDetails: { name: 'Done?', input: doc },
          };
        case 6:
          return {
            ...base,
            type: 'ChoiceStateExited',
            stateExitedEventDetails: { name: 'Done?', output: doc },
          };
        case 7:
          return {
            ...base,
            type: 'WaitStateEntered',
            stateEnteredEventDetails: { name: 'Wait', input: doc },
          };
        default:
          return { ...base, type: 'WaitStateExited', stateExitedEventDetails: { name: 'Wait', output: doc } };
      }
    };
    const TOTAL = 25_000;
    serve(
      {
        executionArn: EXECUTION_ARN,
        name: 'drill-42',
        status: 'FAILED',
        startDate: started,
        stopDate: new Date(started.getTime() + TOTAL * 1000),
      },
      (index) =>
        Array.from({ length: Math.min(1_000, TOTAL - index * 1_000) }, (_, i) =>
          eventAt(index * 1_000 + i + 1),
        ),
      TOTAL / 1_000,
    );

    // Act
    const record = await fetchExecution(new SFNClient({ region: 'us-west-2' }), EXECUTION_ARN);
    const report = reportFromExecution(record, PLAN, { generatedAt: GENERATED });

    // Assess
    expect(record.events).toHaveLength(TOTAL);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(25);
    const kept = record.events.reduce((sum, event) => sum + eventPayloadSize(event), 0);
    expect(kept).toBeLessThan(4 * 1024 * 1024);
    const promote = report.steps.find((step) => step.step === 'Promote orders');
    expect(promote?.detail).toContain('started, then 2777 status checks');
  });

  it('refuse a history over the byte limit with an error naming the execution', async () => {
    // Prepare
    const run = succeededFailover();
    serve(run.describe, () => run.events, 1);

    // Act
    const reading = fetchExecution(new SFNClient({ region: 'us-west-2' }), EXECUTION_ARN, {
      bytesLimit: 500,
    });

    // Assess
    await expect(reading).rejects.toThrow(`the history of ${EXECUTION_ARN} holds more than 0 MiB`);
  });
});
