import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';

/**
 * Writes Step Functions execution histories the way the service does: every event points at
 * the previous event of its own thread (branch or Map iteration), and ids follow time across
 * threads, so concurrent branches interleave. Times are seconds after the execution started.
 */
type Details = Omit<HistoryEvent, 'id' | 'type' | 'timestamp' | 'previousEventId'>;

interface Draft {
  key: number;
  type: HistoryEventType;
  at: number;
  previousKey: number | undefined;
  details: Details;
}

export interface TaskRun {
  state: string;
  input: Record<string, unknown>;
  /** Seconds from the execution start. */
  start: number;
  end: number;
  output?: unknown;
  /** Attempts that failed before the final one (each is retried). */
  failedAttempts?: { error: string; cause: string }[];
  /** The final attempt fails with this (caught, or failing the execution). */
  failure?: { error: string; cause: string };
}

export class Thread {
  constructor(
    private readonly history: HistoryBuilder,
    public last: number | undefined,
  ) {}

  event(type: HistoryEventType, at: number, details: Details = {}): number {
    this.last = this.history.draft(type, at, this.last, details);
    return this.last;
  }

  fork(): Thread {
    return new Thread(this.history, this.last);
  }

  /** A Task state with a plain Lambda ARN resource: Lambda* events between entered and exited. */
  task(run: TaskRun): this {
    const resource = 'arn:aws:lambda:us-west-2:123456789012:function:drctl-task';
    const input = JSON.stringify(run.input);
    this.event('TaskStateEntered', run.start, { stateEnteredEventDetails: { name: run.state, input } });
    const attempts = [...(run.failedAttempts ?? [])];
    const step = (run.end - run.start) / (attempts.length + 2);
    let at = run.start;
    for (const failed of attempts) {
      this.event('LambdaFunctionScheduled', at, { lambdaFunctionScheduledEventDetails: { resource, input } });
      this.event('LambdaFunctionStarted', at);
      at += step;
      this.event('LambdaFunctionFailed', at, { lambdaFunctionFailedEventDetails: failed });
    }
    this.event('LambdaFunctionScheduled', at, { lambdaFunctionScheduledEventDetails: { resource, input } });
    this.event('LambdaFunctionStarted', at);
    if (run.failure) {
      this.event('LambdaFunctionFailed', run.end, { lambdaFunctionFailedEventDetails: run.failure });
      return this;
    }
    const output = JSON.stringify(run.output ?? {});
    this.event('LambdaFunctionSucceeded', run.end, { lambdaFunctionSucceededEventDetails: { output } });
    this.event('TaskStateExited', run.end, { stateExitedEventDetails: { name: run.state, output } });
    return this;
  }

  pass(type: 'Choice' | 'Wait' | 'Pass', state: string, start: number, end = start): this {
    this.event(`${type}StateEntered` as HistoryEventType, start, {
      stateEnteredEventDetails: { name: state, input: '{}' },
    });
    this.event(`${type}StateExited` as HistoryEventType, end, {
      stateExitedEventDetails: { name: state, output: '{}' },
    });
    return this;
  }
}

export class HistoryBuilder {
  private readonly drafts: Draft[] = [];
  readonly main: Thread;

  constructor(
    readonly startedAt: Date,
    input: Record<string, unknown>,
  ) {
    this.main = new Thread(this, undefined);
    this.main.event('ExecutionStarted', 0, {
      executionStartedEventDetails: {
        input: JSON.stringify(input),
        roleArn: 'arn:aws:iam::123456789012:role/sfn',
      },
    });
  }

  draft(type: HistoryEventType, at: number, previousKey: number | undefined, details: Details): number {
    const key = this.drafts.length + 1;
    this.drafts.push({ key, type, at, previousKey, details });
    return key;
  }

  /** Numbers events by time (stable), remapping each previousEventId to the new ids. */
  build(): HistoryEvent[] {
    const ordered = [...this.drafts].sort((a, b) => a.at - b.at || a.key - b.key);
    const idOf = new Map(ordered.map((draft, index) => [draft.key, index + 1]));
    return ordered.map((draft) => ({
      id: idOf.get(draft.key),
      previousEventId: draft.previousKey === undefined ? 0 : idOf.get(draft.previousKey),
      type: draft.type,
      timestamp: new Date(this.startedAt.getTime() + draft.at * 1000),
      ...draft.details,
    }));
  }
}
