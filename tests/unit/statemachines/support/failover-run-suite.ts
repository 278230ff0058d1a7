import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../plan/schema.ts';
import { failoverInput, type Harness, startHarness } from './failover-harness.ts';
import { FakeAws, type FakeAwsOptions } from './fake-aws.ts';

/**
 * The state machine with the five real handlers against FakeAws, for one traffic strategy: the
 * gate (a metric in the DR region) or a Route 53 record change. Each strategy runs in its own
 * test file, because the handlers read the plan once, at import.
 */
export function describeFailoverRuns(strategy: Plan['dns']['strategy']): void {
  let harness: Harness;
  let fake: FakeAws | undefined;

  beforeAll(async () => {
    harness = await startHarness({ strategy });
  });
  afterAll(() => harness.close());
  afterEach(() => fake?.restore());

  function fakeAws(options: FakeAwsOptions = {}): FakeAws {
    fake = new FakeAws(harness.plan, options).install();
    const current = fake;
    harness.setDrServing(() => current.drServing());
    return current;
  }
  /** The error the traffic switch fails with when FakeAws refuses it. */
  const switchError = strategy === 'gate' ? 'AccessDeniedError' : 'DnsChangeRejectedError';

  describe(`failover state machine with the real handlers (dns.strategy ${strategy})`, () => {
    it('fails the whole application over and notifies start and success with the timeline', async () => {
      // Prepare
      const aws = fakeAws();

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.error).toBeUndefined();
      expect(run.status).toBe('SUCCEEDED');
      expect(aws.count('PromoteReadReplicaCommand')).toBe(2);
      expect(aws.count('UpdateServiceCommand')).toBe(3);
      expect(aws.trafficTo()).toBe('dr');
      expect(aws.published.map((m) => m.Subject)).toEqual([
        expect.stringMatching(/started/i),
        expect.stringMatching(/succeeded/i),
      ]);
      expect(aws.published[1]?.Message).toContain('shop-orders-replica');
      expect(run.output).toMatchObject({ mode: 'failover', outcome: 'failed-over' });
    });

    it('dry-run lists what a failover would change and makes zero mutating calls', async () => {
      // Prepare
      const aws = fakeAws();

      // Act
      const run = await harness.run(failoverInput('dry-run'));

      // Assess
      expect(run.status).toBe('SUCCEEDED');
      expect(aws.mutatingCalls()).toEqual([]);
      const output = run.output as { wouldChange: { resource: string }[] };
      expect(output.wouldChange.map((change) => change.resource)).toEqual(
        expect.arrayContaining([
          expect.stringContaining('shop-orders-replica'),
          expect.stringContaining('shop-catalog-replica'),
          expect.stringContaining('shop-web'),
          expect.stringContaining('shop-api'),
          expect.stringContaining('shop-worker'),
          expect.stringContaining('www.shop.example.com'),
        ]),
      );
    });

    it('rejects bad input naming the field before any change', async () => {
      // Prepare
      const aws = fakeAws();

      // Act
      const run = await harness.run({ ...failoverInput(), mode: 'destroy' });

      // Assess
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('InvalidInputError');
      expect(run.cause).toContain('mode');
      expect(aws.mutatingCalls()).toEqual([]);
    });

    it('never touches DNS when a promotion fails, and notifies the failure', async () => {
      // Prepare
      const aws = fakeAws({
        promotionError: {
          'shop-orders-replica': Object.assign(
            new Error('User is not authorized to perform rds:PromoteReadReplica'),
            {
              name: 'AccessDenied',
              $fault: 'client',
              $metadata: { httpStatusCode: 403 },
            },
          ),
        },
      });

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('AccessDeniedError');
      expect(aws.switchCalls()).toBe(0);
      expect(aws.trafficTo()).toBe('primary');
      const failure = aws.published.at(-1);
      expect(failure?.Subject).toMatch(/failed/i);
      expect(failure?.Message).toContain('AccessDeniedError');
    });

    it('names the promotions in the failure notice when the traffic switch fails after them', async () => {
      // Prepare
      const aws = fakeAws({ switchFails: true });

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe(switchError);
      expect(aws.count('PromoteReadReplicaCommand')).toBe(2);
      const failure = aws.published.at(-1);
      expect(failure?.Subject).toMatch(/failed/i);
      expect(failure?.Message).toContain('shop-orders-replica');
      expect(failure?.Message).toContain('shop-catalog-replica');
    });

    it('retries throttled calls and still succeeds', async () => {
      // Prepare
      const aws = fakeAws({
        throttleFirst: {
          PromoteReadReplicaCommand: 1,
          UpdateServiceCommand: 2,
          ChangeResourceRecordSetsCommand: 1,
          DescribeAlarmsCommand: 1,
        },
      });

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.status).toBe('SUCCEEDED');
      expect(run.events.filter((event) => event.type === 'StateRetried').length).toBeGreaterThanOrEqual(4);
      expect(aws.trafficTo()).toBe('dr');
    });

    it('waits for a decision when the lag is over the RPO budget, and stops with no change when nobody decides', async () => {
      // Prepare
      const aws = fakeAws({ lagSeconds: { 'shop-orders-replica': 300, 'shop-catalog-replica': 1 } });

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.status).toBe('SUCCEEDED');
      expect(run.output).toMatchObject({ outcome: 'decision-timed-out' });
      expect(aws.mutatingCalls().filter((call) => call !== 'PublishCommand')).toEqual([]);
      expect(aws.published.map((m) => m.Subject)).toEqual([
        expect.stringMatching(/WAITS FOR A DECISION/),
        expect.stringMatching(/NOT DECIDED within 30 min/),
      ]);
      expect(aws.published[0]?.Message).toContain('shop-orders-replica last active replica lag was 300 s');
      expect(aws.published[0]?.Message).toContain('drctl approve test-execution');
    });

    it('fails over past the RPO guard when the decision accepts the loss, and records who accepted what', async () => {
      // Prepare
      const aws = fakeAws({
        lagSeconds: { 'shop-orders-replica': 300, 'shop-catalog-replica': 1 },
        decision: {
          document: {
            decision: 'approve',
            reason: 'region gone',
            decidedBy: 'alice@example.com',
            acceptDataLossSeconds: 300,
          },
          afterChecks: 2,
        },
      });

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.status, run.cause).toBe('SUCCEEDED');
      expect(run.output).toMatchObject({
        outcome: 'failed-over',
        confirmation: { rpo: { verdict: 'over', acceptedLossSeconds: 300, acceptedBy: 'alice@example.com' } },
        decision: { status: 'approved', decision: { author: 'arn:aws:iam::111111111111:user/alice' } },
      });
      expect(aws.count('PromoteReadReplicaCommand')).toBe(2);
      expect(aws.published.at(-1)?.Message).toContain('accepted up to 300 s of data loss for this run');
    });

    it('accepts an unknown lag only by the explicit words, never by a number of seconds', async () => {
      // Prepare
      const aws = fakeAws({
        lagSeconds: { 'shop-orders-replica': null, 'shop-catalog-replica': 1 },
        decision: { document: { decision: 'approve', reason: 'go', acceptDataLossSeconds: 86_400 } },
      });

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('RpoBudgetExceededError');
      expect(run.cause).toContain('accept unknown data loss');
      expect(aws.count('PromoteReadReplicaCommand')).toBe(0);
    });

    it('fails over with an unknown lag when the decision says "accept unknown data loss"', async () => {
      // Prepare
      fakeAws({
        lagSeconds: { 'shop-orders-replica': null, 'shop-catalog-replica': 1 },
        decision: {
          document: { decision: 'approve', reason: 'go', acceptUnknownDataLoss: 'accept unknown data loss' },
        },
      });

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.status, run.cause).toBe('SUCCEEDED');
      expect(run.output).toMatchObject({
        confirmation: { rpo: { verdict: 'unknown', acceptedUnknown: true } },
      });
    });

    it('changes nothing when the decision denies the failover', async () => {
      // Prepare
      const aws = fakeAws({
        lagSeconds: { 'shop-orders-replica': 300, 'shop-catalog-replica': 1 },
        decision: { document: { decision: 'deny', reason: 'primary is coming back', decidedBy: 'bob' } },
      });

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.status).toBe('SUCCEEDED');
      expect(run.output).toMatchObject({ outcome: 'denied' });
      expect(aws.mutatingCalls().filter((call) => call !== 'PublishCommand')).toEqual([]);
      expect(aws.published.at(-1)?.Subject).toMatch(/DENIED by bob/);
    });

    it('stands down with no change when the primary answers again right before the point of no return', async () => {
      // Prepare
      const aws = fakeAws();
      harness.setPrimaryServing(true);

      // Act
      const run = await harness.run(failoverInput());
      harness.setPrimaryServing(false);

      // Assess
      expect(run.status).toBe('SUCCEEDED');
      expect(run.output).toMatchObject({ outcome: 'stood-down' });
      expect(aws.mutatingCalls().filter((call) => call !== 'PublishCommand')).toEqual([]);
      expect(aws.published.at(-1)?.Subject).toMatch(
        /STOOD DOWN: primary recovered before the point of no return/,
      );
    });

    it('fences the old primary beside the recovery: services to 0, databases read only', async () => {
      // Prepare
      const aws = fakeAws();

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.status, run.cause).toBe('SUCCEEDED');
      expect(aws.primaryFenced()).toBe(true);
      const fencing = (run.output as { fencing: { resources: { outcome: string }[] } }).fencing;
      expect(fencing.resources.filter((r) => r.outcome === 'fenced').length).toBeGreaterThanOrEqual(5);
      // Fencing comes only after the first promotion was accepted.
      const calls = aws.calls.map((c) => c.command);
      expect(calls.indexOf('PromoteReadReplicaCommand')).toBeLessThan(calls.indexOf('FenceDatabase'));
      expect(aws.published.at(-1)?.Message).toContain('Old primary fencing');
    });

    it('succeeds with fencing pending when the primary region does not answer', async () => {
      // Prepare
      const aws = fakeAws({ primaryDown: true });

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.status, run.cause).toBe('SUCCEEDED');
      const fencing = (run.output as { fencing: { resources: { kind: string; outcome: string }[] } }).fencing;
      expect(
        fencing.resources.filter((r) => r.kind !== 'traffic').every((r) => r.outcome === 'pending'),
      ).toBe(true);
      expect(aws.published.at(-1)?.Message).toMatch(/PENDING/);
    });

    it('ends skipped, with no change and no FAILED notice, while another failover runs', async () => {
      // Prepare
      const aws = fakeAws({ otherExecutions: [{ name: 'first', status: 'RUNNING', secondsAgo: 30 }] });

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.status).toBe('SUCCEEDED');
      expect(run.output).toMatchObject({ outcome: 'skipped' });
      expect(aws.mutatingCalls().filter((call) => call !== 'PublishCommand')).toEqual([]);
      expect(aws.published.map((m) => m.Subject)).toEqual([
        expect.stringMatching(/SKIPPED: another failover holds the lock/),
      ]);
    });

    it('finishes a re-run after a partial failure without a second promotion', async () => {
      // Prepare
      const aws = fakeAws({ switchFails: true });
      const first = await harness.run(failoverInput());
      aws.options.switchFails = false;

      // Act
      const second = await harness.run(failoverInput());

      // Assess
      expect(first.status).toBe('FAILED');
      expect(second.status).toBe('SUCCEEDED');
      expect(aws.count('PromoteReadReplicaCommand')).toBe(2);
      expect(aws.count('UpdateServiceCommand')).toBe(3);
      expect(aws.trafficTo()).toBe('dr');
    });

    it('fails with the stopped tasks reason when DR tasks cannot start, and leaves DNS alone', async () => {
      // Prepare
      const aws = fakeAws({
        tasksFailToStart: { 'shop-dr/shop-api': 'CannotPullContainerError: image not found' },
      });

      // Act
      const run = await harness.run(failoverInput());

      // Assess
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('TaskStartFailureError');
      expect(run.cause).toContain('CannotPullContainerError');
      expect(aws.switchCalls()).toBe(0);
    });

    it('handles two databases and three services concurrently', async () => {
      // Prepare
      fakeAws({ promotionPolls: 2, taskStartPolls: 2 });

      // Act
      const run = await harness.run(failoverInput());

      // Assess: every start is entered before any status poll, i.e. nothing waits for another
      expect(run.status).toBe('SUCCEEDED');
      const firstPoll = run.entered.findIndex((name) => name === 'CheckPromotion' || name === 'CheckScaling');
      const starts = run.entered
        .slice(0, firstPoll)
        .filter((name) => name === 'StartPromotion' || name === 'StartScaling');
      expect(starts).toHaveLength(5);
    });
  });
}
