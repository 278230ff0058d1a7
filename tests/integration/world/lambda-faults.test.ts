import { afterEach, describe, expect, it } from 'vitest';
import type { Execution } from '../../../local/index.ts';
import { startWorld, type World } from '../../../local/index.ts';
import { referencePlan } from './support.ts';

const plan = referencePlan();
let world: World | undefined;

const dryRun = (incidentId: string) => ({
  mode: 'dry-run',
  reason: 'lambda faults',
  incidentId,
  requestedBy: 'test',
});

async function open(seed = 1): Promise<World> {
  world = await startWorld({ plan, scale: 1000, seed, schedule: false, alarmTrigger: false });
  return world;
}

afterEach(async () => {
  await world?.close();
  world = undefined;
});

type Event = Execution['history'][number];
const detailsOf = (event: Event) =>
  (event.lambdaFunctionFailedEventDetails ?? event.lambdaFunctionTimedOutEventDetails) as
    | { error: string; cause: string }
    | undefined;

/** Simulated seconds from each failed invocation to the next one scheduled (its retry interval). */
function retryGaps(history: Event[]): number[] {
  const gaps: number[] = [];
  history.forEach((event, i) => {
    if (event.type !== 'LambdaFunctionFailed' && event.type !== 'LambdaFunctionTimedOut') return;
    const next = history.slice(i + 1).find((later) => later.type === 'LambdaFunctionScheduled');
    if (next) gaps.push((next.timestamp.getTime() - event.timestamp.getTime()) / 1000);
  });
  return gaps;
}

describe('Lambda Invoke faults as Step Functions reports them', () => {
  it("throttled invocations fail with Lambda.TooManyRequestsException and Lambda's cause, and Retry rides them out", async () => {
    // Prepare
    const w = await open();
    w.faults.throttle('lambda', 1, { count: 3 });

    // Act
    const execution = await w.stepFunctions.wait(w.stepFunctions.start(dryRun('I-T')).arn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    const failed = execution.history.filter((event) => event.type === 'LambdaFunctionFailed').map(detailsOf);
    expect(failed).toHaveLength(3);
    for (const details of failed) {
      expect(details?.error).toBe('Lambda.TooManyRequestsException');
      expect(details?.cause).toMatch(
        /^Rate Exceeded\. \(Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
      );
    }
  });

  it('waits IntervalSeconds × BackoffRate^n with full jitter between retries, the same for the same seed', async () => {
    // Prepare
    const gapsOf = async (seed: number) => {
      const w = await open(seed);
      w.faults.serverErrors('lambda', 1, { count: 4 });
      const execution = await w.stepFunctions.wait(w.stepFunctions.start(dryRun(`I-G${seed}`)).arn);
      const gaps = retryGaps(execution.history);
      await w.close();
      world = undefined;
      return gaps;
    };

    // Act
    const first = await gapsOf(3);
    const again = await gapsOf(3);

    // Assess: the Preflight retrier is 2 s, doubling, at most 30 s, JitterStrategy FULL. The
    // same seed draws the same intervals; the world's own CPU time, at real speed, adds to them:
    // a few ms when warm, up to ~0.6 s for the first (cold) world on a loaded 2-core CI machine.
    expect(first).toHaveLength(4);
    first.forEach((gap, n) => {
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThanOrEqual(Math.min(2 * 2 ** n, 30) + 1);
      expect(Math.abs(gap - (again[n] as number))).toBeLessThan(1);
    });
  });

  it('a two-minute brown-out of Lambda Invoke fails only the invocations inside it', async () => {
    // Prepare
    const w = await open(2);
    const from = w.clock.now();
    w.faults.serverErrors('lambda', 1);
    w.after(120, () => w.faults.serverErrors('lambda', 0));
    let execution: Execution | undefined;
    w.after(112, () => {
      execution = w.stepFunctions.start(dryRun('I-B'));
    });

    // Act
    await w.runFor(125);
    const ended = await w.stepFunctions.wait((execution as Execution).arn);

    // Assess
    expect(ended.status).toBe('SUCCEEDED');
    const failures = ended.history.filter((event) => event.type === 'LambdaFunctionFailed');
    expect(failures.length).toBeGreaterThan(0);
    for (const event of failures) {
      expect(detailsOf(event)?.error).toBe('Lambda.ServiceException');
      expect(event.timestamp.getTime() - from).toBeLessThanOrEqual(120_000);
    }
  });

  it("when the retries run out, the run fails with Lambda.ServiceException and Lambda's cause", async () => {
    // Prepare
    const w = await open();
    w.faults.serverErrors('lambda', 1);

    // Act
    const execution = await w.stepFunctions.wait(w.stepFunctions.start(dryRun('I-X')).arn);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('Lambda.ServiceException');
    expect(execution.cause).toContain('(Service: AWSLambda; Status Code: 500; Error Code: ServiceException;');
    const gaps = retryGaps(execution.history);
    // 20 attempts (the state machine rides out minutes of trouble), each delay capped at 30 s.
    expect(gaps).toHaveLength(20);
    expect(gaps.reduce((sum, gap) => sum + gap, 0)).toBeLessThanOrEqual(2 + 4 + 8 + 16 + 30 * 16);
  });

  it('times a Task out after its TimeoutSeconds of simulated time, as LambdaFunctionTimedOut', async () => {
    // Prepare: every RDS call takes 200 simulated seconds, longer than Preflight's 120 s.
    const w = await open();
    w.faults.latency('rds', 200_000);

    // Act
    const execution = await w.stepFunctions.wait(w.stepFunctions.start(dryRun('I-O')).arn);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.Timeout');
    const timedOut = execution.history.filter((event) => event.type === 'LambdaFunctionTimedOut');
    expect(timedOut.length).toBeGreaterThan(0);
  });
});
