import type { HistoryEvent } from '../../local/index.ts';

/**
 * AWS list prices the cost figure uses (USD, on demand, no free tier), for the DR region of the
 * reference plan (us-west-2, the same as us-east-1 for both services):
 * - Step Functions Standard: $0.025 per 1,000 state transitions; "Step Functions counts a state
 *   transition each time a step of your workflow is executed … including retries"
 *   (https://aws.amazon.com/step-functions/pricing/);
 * - Lambda requests: $0.20 per 1 million; a request is counted "each time it starts executing"
 *   (https://aws.amazon.com/lambda/pricing/; "How AWS Pricing Works", Lambda,
 *   https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html);
 * - Lambda duration on arm64 (drctl's functions are arm64, infra/lambda/dr-function.ts):
 *   $0.0000133334 per GB-second, first tier (x86 is $0.0000166667), billed per 1 ms
 *   (https://aws.amazon.com/lambda/pricing/).
 */
export const LIST_PRICES = {
  stepFunctionsPerStateTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaArm64PerGbSecond: 0.0000133334,
} as const;

/** Every drctl function's memory (infra/lambda/dr-function.ts: `memorySize ?? 256`, none overrides it). */
export const FUNCTION_MEMORY_MB = 256;

/** What one execution (or several) used, counted from Step Functions histories. */
export interface UsageCount {
  executions: number;
  /** Billed state transitions: every state entered, plus every retried attempt. */
  stateTransitions: number;
  /** Of which retries (a Lambda attempt after the first of its state entry). */
  retries: number;
  /** Lambda requests: invocations that started executing. */
  lambdaInvocations: number;
  /** Billed Lambda time, each invocation rounded up to 1 ms (the world's modelled duration). */
  lambdaMilliseconds: number;
  /** Invocations and billed ms per function (the name after `function:` in its ARN). */
  byFunction?: Record<string, { invocations: number; milliseconds: number }>;
}

const ENDS = new Set(['LambdaFunctionSucceeded', 'LambdaFunctionFailed', 'LambdaFunctionTimedOut']);

export const NO_USAGE: UsageCount = {
  executions: 0,
  stateTransitions: 0,
  retries: 0,
  lambdaInvocations: 0,
  lambdaMilliseconds: 0,
};

/**
 * Counts one execution's history. A state entered is one transition (a Wait too: the world's
 * Waits appear as WaitStateEntered); a Task's retry schedules its Lambda again without entering
 * the state again, so the retries are the LambdaFunctionScheduled (and, for a Task that runs a
 * child execution, TaskScheduled) events beyond one per Task entry. A child execution is counted
 * from its own history like any other (cost.ts adds the children of each run). An invocation's duration runs from LambdaFunctionStarted to its end, found through the
 * end's previousEventId chain (its own thread).
 */
export function countHistory(history: readonly HistoryEvent[]): UsageCount {
  const byId = new Map(history.map((event) => [event.id, event]));
  let entered = 0;
  let taskEntries = 0;
  let scheduled = 0;
  let started = 0;
  let milliseconds = 0;
  const byFunction: NonNullable<UsageCount['byFunction']> = {};
  for (const event of history) {
    if (event.type.endsWith('StateEntered')) entered++;
    if (event.type === 'TaskStateEntered') taskEntries++;
    // A Task that runs a child execution schedules Step Functions itself (TaskScheduled).
    if (event.type === 'LambdaFunctionScheduled' || event.type === 'TaskScheduled') scheduled++;
    if (event.type === 'LambdaFunctionStarted') started++;
    if (ENDS.has(event.type)) {
      const start = startOf(event, byId);
      if (start) {
        const billed = Math.max(1, Math.ceil(event.timestamp.getTime() - start.timestamp.getTime()));
        milliseconds += billed;
        const name = functionOf(start, byId);
        const entry = byFunction[name] ?? { invocations: 0, milliseconds: 0 };
        byFunction[name] = { invocations: entry.invocations + 1, milliseconds: entry.milliseconds + billed };
      }
    }
  }
  const retries = Math.max(0, scheduled - taskEntries);
  return {
    executions: 1,
    stateTransitions: entered + retries,
    retries,
    lambdaInvocations: started,
    lambdaMilliseconds: milliseconds,
    byFunction,
  };
}

/** The function of a LambdaFunctionStarted: its Scheduled event's resource, after `function:`. */
function functionOf(start: HistoryEvent, byId: Map<number, HistoryEvent>): string {
  const scheduled = byId.get(start.previousEventId);
  const details = scheduled?.lambdaFunctionScheduledEventDetails as { resource?: string } | undefined;
  const resource = details?.resource ?? 'unknown';
  return resource.split(':function:')[1] ?? resource;
}

function startOf(end: HistoryEvent, byId: Map<number, HistoryEvent>): HistoryEvent | undefined {
  let current = byId.get(end.previousEventId);
  // A few steps at most: nothing else of the invocation's thread happens while it runs.
  for (let step = 0; current !== undefined && step < 8; step++) {
    if (current.type === 'LambdaFunctionStarted') return current;
    if (ENDS.has(current.type)) return undefined;
    current = byId.get(current.previousEventId);
  }
  return undefined;
}

export function addUsage(a: UsageCount, b: UsageCount): UsageCount {
  return {
    executions: a.executions + b.executions,
    stateTransitions: a.stateTransitions + b.stateTransitions,
    retries: a.retries + b.retries,
    lambdaInvocations: a.lambdaInvocations + b.lambdaInvocations,
    lambdaMilliseconds: a.lambdaMilliseconds + b.lambdaMilliseconds,
    byFunction: mergeByFunction(a.byFunction ?? {}, b.byFunction ?? {}),
  };
}

function mergeByFunction(
  a: NonNullable<UsageCount['byFunction']>,
  b: NonNullable<UsageCount['byFunction']>,
): NonNullable<UsageCount['byFunction']> {
  const merged = { ...a };
  for (const [name, usage] of Object.entries(b)) {
    const entry = merged[name] ?? { invocations: 0, milliseconds: 0 };
    merged[name] = {
      invocations: entry.invocations + usage.invocations,
      milliseconds: entry.milliseconds + usage.milliseconds,
    };
  }
  return merged;
}

/** A usage priced at LIST_PRICES, in USD. */
export interface PricedUsage extends UsageCount {
  lambdaGbSeconds: number;
  usd: { stateTransitions: number; lambdaRequests: number; lambdaDuration: number; total: number };
}

export function priceUsage(usage: UsageCount, memoryMb = FUNCTION_MEMORY_MB): PricedUsage {
  const lambdaGbSeconds = (usage.lambdaMilliseconds / 1000) * (memoryMb / 1024);
  const stateTransitions = usage.stateTransitions * LIST_PRICES.stepFunctionsPerStateTransition;
  const lambdaRequests = usage.lambdaInvocations * LIST_PRICES.lambdaPerRequest;
  const lambdaDuration = lambdaGbSeconds * LIST_PRICES.lambdaArm64PerGbSecond;
  return {
    ...usage,
    lambdaGbSeconds: round(lambdaGbSeconds, 3),
    usd: {
      stateTransitions: round(stateTransitions, 6),
      lambdaRequests: round(lambdaRequests, 6),
      lambdaDuration: round(lambdaDuration, 6),
      total: round(stateTransitions + lambdaRequests + lambdaDuration, 6),
    },
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
